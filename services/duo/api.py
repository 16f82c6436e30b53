"""DUO's Notificatie API (contracts/duo/API/Notificatie/openapi.yml, v1.8.0), served as DUO
specifies it: `POST /v1/notificaties` (DUO README: "Basis pad URI"), headers bron, doel and
berichtId, errors as DUO's Foutmelding. This is DUO's interface, so its conventions apply
here, not the platform's problem+json. DUO authenticates with its PKIo certificate (mutual
TLS at the edge), not with a bearer token."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, Strict, ValidationError

from services.duo.application import DuoApplication
from shared.domain import DomainError

DUO_PREFIX = "/v1"
FOUTTEKST_MAX = 200

router = APIRouter(tags=["DUO Notificatie"])


class Notificatie(BaseModel):
    """components.schemas.Notificatie; unknown properties are allowed there, and ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)

    registratie_datum_tijd: AwareDatetime = Field(alias="registratieDatumTijd")
    gebeurtenis_id: str = Field(alias="gebeurtenisId", pattern=r"^[0-9A-Z]{1,6}$")
    bsn: Annotated[str, Field(pattern=r"^[0-9]{9}$")] | None = None
    v_nummer: Annotated[int, Strict(), Field(ge=0, le=9999999999)] | None = Field(
        None, alias="vNummer"
    )


def foutmelding(status: int, fouten: list[str]) -> JSONResponse:
    """components.schemas.Foutmelding: one fouttekst of at most 200 characters."""
    tekst = "; ".join(fouten)
    if len(tekst) > FOUTTEKST_MAX:
        tekst = tekst[: FOUTTEKST_MAX - 3] + "..."
    return JSONResponse({"fouttekst": tekst}, status_code=status)


def _header_fouten(bron: str | None, doel: str | None, bericht_id: str | None) -> list[str]:
    fouten = [
        f"header {naam} moet 20 tekens zijn (OIN)"
        for naam, waarde in (("bron", bron), ("doel", doel))
        if waarde is None or len(waarde) != 20
    ]
    try:
        uuid.UUID(bericht_id or "")
    except ValueError:
        fouten.append("header berichtId moet een uuid zijn")
    return fouten


def _body_fouten(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
        for err in error.errors(include_url=False)
    ]


@router.post(
    "/notificaties",
    status_code=201,
    operation_id="opvoerenNotificatie",
    summary="Opvoeren notificatie (DUO Notificatie API 1.8.0)",
)
async def opvoeren_notificatie(request: Request) -> Response:
    bron = request.headers.get("bron")
    doel = request.headers.get("doel")
    bericht_id = request.headers.get("berichtid")
    fouten = _header_fouten(bron, doel, bericht_id)
    notificatie: Notificatie | None = None
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        fouten.append("body moet application/json zijn")
    else:
        try:
            notificatie = Notificatie.model_validate_json(await request.body())
        except ValidationError as e:
            fouten.extend(_body_fouten(e))
    if fouten or notificatie is None:
        return foutmelding(400, fouten)
    assert bron is not None and doel is not None and bericht_id is not None
    application: DuoApplication = request.app.state.application
    try:
        application.ontvang_notificatie(
            bron=bron,
            doel=doel,
            bericht_id=str(uuid.UUID(bericht_id)),
            gebeurtenis_id=notificatie.gebeurtenis_id,
            registratie_datum_tijd=notificatie.registratie_datum_tijd,
            bsn=notificatie.bsn,
            v_nummer=notificatie.v_nummer,
        )
    except DomainError as e:
        return foutmelding(e.status, [e.detail])
    # Received again or for the first time: either way DUO hears "opgevoerd".
    return Response(status_code=201)
