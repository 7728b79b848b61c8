"""Filing at the one-stop desk (nộp hồ sơ trực tiếp tại bộ phận một cửa): a receiving officer
files a dossier for a walk-in applicant, who leaves with the receipt (form 01).

Entry points:
- `list_procedures_for_counter(actor=, query=)`: the procedures an officer may file at their
  desk: public (active, published) procedures of the agencies where they are a receiving
  officer (parent agencies cover their descendants), searched without diacritics.
- `get_procedure_for_counter(actor=, public_id=)`: one of those, else NotFound.
- `file_at_counter(actor=, procedure=, applicant_identity=, values=, files=, receive=True)`:
  the use case. The officer types the applicant's identity and the whole form and scans the
  papers; the dossier is checked as an online one (dossiers.counter.prepare), filed for the
  applicant's account (accounts.services.find_or_create_counter_citizen: the account the
  applicant signs in to with VNeID, or one they will take over then), submitted (code), and,
  the officer being at the desk, received at once (services.receive_dossier: the due date is
  set and the receipt issued after commit).

Invariants: permission first (out of scope: NotFound, as for every back-office action); one
transaction: either the account, the dossier, its files, its code and its reception all exist,
or none (files stored before a failure are deleted). Every event names the officer.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.accounts import services as account_services
from motcua.accounts.constants import Role
from motcua.accounts.errors import IdentityMismatch
from motcua.core.errors import NotFound
from motcua.dossiers import counter as dossier_counter
from motcua.dossiers.errors import FilingInvalid
from motcua.dossiers.models import Dossier
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import Procedure

from . import permissions, services


def _reception_agency_ids(actor) -> set[int]:
    return permissions.staff_agency_ids(actor, roles=[Role.RECEIVING_OFFICER])


def list_procedures_for_counter(*, actor, query: str = "") -> QuerySet[Procedure]:
    """Public procedures of the agencies where `actor` receives dossiers (none for others),
    every word of `query` matched without diacritics or case, by name; agency loaded."""
    agency_ids = _reception_agency_ids(actor)
    if not agency_ids:
        return Procedure.objects.none()
    return procedure_selectors.list_public_procedures(query=query).filter(agency_id__in=agency_ids)


def get_procedure_for_counter(*, actor, public_id) -> Procedure:
    """A procedure `actor` may file at the desk; NotFound otherwise (also when it exists)."""
    try:
        procedure = list_procedures_for_counter(actor=actor).filter(public_id=public_id).first()
    except (ValueError, TypeError):
        procedure = None
    if procedure is None:
        raise NotFound()
    return procedure


def _check_can_file(actor, procedure) -> None:
    if procedure.agency_id not in _reception_agency_ids(actor):
        raise NotFound()


def file_at_counter(*, actor, procedure, applicant_identity, values, files=None, receive: bool = True, now=None) -> Dossier:
    """File a dossier of `procedure` at the one-stop desk for the applicant described by
    `applicant_identity` ({full_name, personal_id, birth_date, phone, email, address} as typed),
    with the answers `values` (raw answers of every step) and the scanned papers `files`
    (control name -> uploads); then receive it when `receive` (the default).

    Permission: a receiving officer of the procedure's agency or of a parent agency, or a
    superuser (others: NotFound). Raises FilingInvalid (identity, answers and files to correct,
    ineligibility; nothing is stored), ProcedureNotOpen, NotEligible, DailyLimitReached.
    After commit: the receipt (form 01) is issued and the applicant is e-mailed if an address
    was given."""
    _check_can_file(actor, procedure)
    now = now or timezone.now()
    preparation = dossier_counter.prepare(procedure=procedure, identity_data=applicant_identity, data=values, files=files,
                                          today=timezone.localdate(now))
    try:
        if preparation.has_problems:
            raise FilingInvalid(identity=preparation.identity_errors, errors=preparation.errors,
                                ineligible=preparation.ineligible)
        identity = preparation.identity
        with transaction.atomic():
            try:
                applicant = account_services.find_or_create_counter_citizen(
                    personal_id=identity["personal_id"], full_name=identity["full_name"],
                    birth_date=dt.date.fromisoformat(identity["birth_date"]), phone=identity["phone"],
                    email=identity["email"], address=identity["address"])
            except IdentityMismatch as mismatch:
                raise FilingInvalid(identity={"personal_id": [str(mismatch.message)]}) from None
            dossier = dossier_counter.file_prepared(actor=actor, preparation=preparation, applicant=applicant, now=now,
                                                    queue_receipt=not receive)
            if receive:
                dossier = services.receive_dossier(actor=actor, dossier=dossier)
    except BaseException:
        preparation.delete_stored_files()
        raise
    finally:
        preparation.close()
    return dossier
