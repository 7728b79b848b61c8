"""Dossier endpoints of the API (mounted by motcua.api.v1): prefilled links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from motcua.api.auth import OAuth2Scope

from . import prefill_links

router = Router(tags=["prefill"])


class PrefillIn(Schema):
    values: dict[str, Any] = Field(
        ..., description="Answers by field stable id. Only fields whose type may be prefilled are accepted; "
        "each value is checked as the form would check it (JSON: numbers, lists for several choices, ISO dates)."
    )
    expires_in: int | None = Field(
        None, ge=prefill_links.MIN_EXPIRES_IN, le=prefill_links.MAX_EXPIRES_IN,
        description=f"Seconds the link stays valid (default {prefill_links.DEFAULT_EXPIRES_IN}, at most 7 days).",
    )
    agency: str | None = Field(
        None, max_length=40,
        description="Electronic identifier code of the agency, when several agencies share the national procedure code.",
    )


class PrefillOut(Schema):
    url: str = Field(..., description="Send the applicant to this link: it starts one dossier with the values.")
    expires_at: datetime


class ProblemOut(Schema):
    code: str
    message: str
    fields: dict[str, list[dict[str, str]]]


@router.post(
    "/procedures/{code}/prefill", auth=OAuth2Scope("prefill"), operation_id="create_prefill_link",
    summary="Create a prefilled link to start a dossier",
    response={201: PrefillOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut, 429: ProblemOut},
)
def create_prefill_link(request, code: str, payload: PrefillIn):
    """`code` is the procedure's public id (UUID) or its national code (TTHC). The link is used once."""
    procedure = prefill_links.find_procedure(code=code, agency_code=payload.agency)
    token = prefill_links.create_prefill_token(client_id=request.auth.client_id, procedure=procedure,
                                               values=payload.values, expires_in=payload.expires_in)
    path = reverse("dossiers:dossier-start", args=[procedure.public_id])
    return Status(201, PrefillOut(url=f"{settings.SITE_URL}{path}?prefill={token.token}", expires_at=token.expires_at))
