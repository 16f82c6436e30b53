"""The DUO service's own API for the gemeente (platform conventions: /api/v1, bearer token,
problem+json): what DUO's chain could not do by itself, visible to a klantregisseur, and the
retry of a failed PIP-melding. The retry is recorded here and sent by the DUO worker."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from services.duo.application import DuoApplication
from services.duo.domainmodel import MeldingStatus
from shared.api import ApiModel, Behandelaar, etag

router = APIRouter(tags=["DUO-keten"])


class PIPMeldingResponse(ApiModel):
    id: UUID
    versie: int
    gemeente: str
    inburgeraar_id: UUID
    pip_id: UUID
    pip_versie: int
    dagtekening: dt.date
    leerroute: str
    niveau: str | None
    geschatte_intensiteit: int | None
    doelgroep: str | None
    status: str | None
    pogingen: int
    reden: str | None
    bericht: dict[str, Any] | None


class AfrondingMeldingResponse(ApiModel):
    id: UUID
    versie: int
    gemeente: str
    inburgeraar_id: UUID
    pip_id: UUID
    onderdeel: str
    datum: dt.date
    verwijtbaar: str | None
    status: str | None
    pogingen: int
    reden: str | None
    bericht: dict[str, Any] | None


class TeVerwerkenResponse(ApiModel):
    id: UUID
    versie: int
    gemeente: str
    bron: str
    doel: str
    bericht_id: str
    gebeurtenis_id: str
    registratie_datum_tijd: str
    status: str
    opdracht: str
    op_te_halen_bij: list[str]
    ontbrekend: list[str]
    toelichting: str | None


def _app(request: Request) -> DuoApplication:
    application: DuoApplication = request.app.state.application
    return application


def _melding(data: dict[str, Any]) -> PIPMeldingResponse:
    return PIPMeldingResponse.model_validate(data)


@router.get("/pip-meldingen", summary="PIP-meldingen aan DUO (filter: status=mislukt)")
def pip_meldingen(
    request: Request,
    principal: Behandelaar,
    status: Annotated[MeldingStatus | None, Query()] = None,
) -> list[PIPMeldingResponse]:
    gevonden = _app(request).pip_meldingen(
        gemeenten=sorted(principal.gemeenten), status=status and status.value
    )
    return [_melding(m) for m in gevonden]


@router.post(
    "/pip-meldingen/{melding_id}/herhalingen",
    status_code=202,
    summary="Een mislukte PIP-melding opnieuw laten versturen",
)
def herhaal_pip_melding(
    melding_id: UUID, request: Request, response: Response, principal: Behandelaar
) -> PIPMeldingResponse:
    melding = _app(request).vraag_melding_opnieuw(
        melding_id, gemeenten=sorted(principal.gemeenten), door=principal.subject
    )
    response.headers.update(etag(melding["versie"]))
    return _melding(melding)


@router.get(
    "/afronding-meldingen", summary="MAP- en PVT-meldingen aan DUO (filter: status=mislukt)"
)
def afronding_meldingen(
    request: Request,
    principal: Behandelaar,
    status: Annotated[MeldingStatus | None, Query()] = None,
) -> list[AfrondingMeldingResponse]:
    gevonden = _app(request).afronding_meldingen(
        gemeenten=sorted(principal.gemeenten), status=status and status.value
    )
    return [AfrondingMeldingResponse.model_validate(m) for m in gevonden]


@router.post(
    "/afronding-meldingen/{melding_id}/herhalingen",
    status_code=202,
    summary="Een mislukte MAP- of PVT-melding opnieuw laten versturen",
)
def herhaal_afronding_melding(
    melding_id: UUID, request: Request, response: Response, principal: Behandelaar
) -> AfrondingMeldingResponse:
    melding = _app(request).vraag_melding_opnieuw(
        melding_id, gemeenten=sorted(principal.gemeenten), door=principal.subject
    )
    response.headers.update(etag(melding["versie"]))
    return AfrondingMeldingResponse.model_validate(melding)


@router.get("/te-verwerken-notificaties", summary="DUO-notificaties die een mens vragen")
def te_verwerken(request: Request, principal: Behandelaar) -> list[TeVerwerkenResponse]:
    return [
        TeVerwerkenResponse.model_validate(n)
        for n in _app(request).te_verwerken(gemeenten=sorted(principal.gemeenten))
    ]
