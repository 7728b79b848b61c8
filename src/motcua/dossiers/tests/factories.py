"""Dossier test data, built through the real services (STYLE.md §9)."""

from __future__ import annotations

import factory

from motcua.accounts.tests.factories import CitizenFactory
from motcua.procedures import services as procedure_services
from motcua.procedures.tests.factories import make_procedure, procedure_admin

from .. import services
from ..models import Dossier

# --- Multi-step procedure and answers used by the submission and filing-page tests -------------

SIMPLE_FIELDS = (
    ("section_header", "Thông tin người yêu cầu", {"options": {"level": 1}}),
    ("short_text", "Họ và tên", {"required": True, "stable_id": "full_name"}),
    ("integer", "Số bản sao", {"required": False, "stable_id": "copies"}),
    ("section_header", "Nội dung", {"options": {"level": 1}}),
    ("long_text", "Lý do", {"required": True, "stable_id": "reason"}),
)
VALID_ANSWERS = {"full_name": "Nguyễn Văn An", "copies": 2, "reason": "Xin cấp bản sao"}


def published_procedure(*, fields=SIMPLE_FIELDS, agency=None, **metadata):
    """A published procedure open to citizens (two steps by default); `.admin` is its administrator."""
    from motcua.agencies.tests.factories import AgencyFactory

    agency = agency or AgencyFactory()
    actor = procedure_admin(agency)
    metadata.setdefault("applicant_kinds", ["citizen"])
    metadata.setdefault("deadline_amount", 3)
    procedure = make_procedure(actor=actor, agency=agency, fields=fields, **metadata)
    procedure_services.publish_revision(actor=actor, procedure=procedure)
    procedure.refresh_from_db()
    procedure.admin = actor
    return procedure


def make_dossier(*, procedure=None, applicant=None, values=None, **kwargs):
    """A draft dossier (answers stored as given, unvalidated)."""
    procedure = procedure or published_procedure()
    applicant = applicant or CitizenFactory()
    dossier = services.start_dossier(actor=applicant, procedure=procedure, **kwargs)
    if values:
        dossier.values = {**dossier.values, **values}
        dossier.save(update_fields=["values"])
    return dossier


# --- Attachments -------------------------------------------------------------------------------

class DossierFactory(factory.Factory):
    """A draft dossier started by a citizen through `services.start_dossier`, on a newly
    published procedure (SIMPLE_FIELDS) unless `procedure=` is given. Extra keywords go to
    start_dossier (representation, represented, prefill)."""

    class Meta:
        model = Dossier

    applicant = factory.SubFactory(CitizenFactory)
    procedure = factory.LazyFunction(lambda: published_procedure())

    @classmethod
    def _create(cls, model_class, *, applicant, procedure, **kwargs):
        return services.start_dossier(actor=applicant, procedure=procedure, **kwargs)
