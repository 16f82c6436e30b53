"""Use cases of the chain with DUO, inbound: receive a notificatie exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.duo.domainmodel import DUONotificatie
from shared.application import GemeenteApplication
from shared.domain import ConcurrencyConflict, DomainError, as_dict


class OnbekendDoel(DomainError):
    """The notificatie is addressed to an OIN this deployment serves no gemeente for."""

    status = 400
    title = "Onbekend doel"
    bron = "DUO README: Organisatieidentificatienummers (OIN)"


class OnbekendeBron(DomainError):
    """Only DUO sends notificaties."""

    status = 403
    title = "Niet geautoriseerd"
    bron = "DUO README: Organisatieidentificatienummers (OIN)"


@dataclass(frozen=True)
class Ontvangen:
    notificatie_id: UUID
    nieuw: bool
    status: str


class DuoApplication(GemeenteApplication):
    name = "Duo"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        duo_oin: str,
        gemeente_oins: Mapping[str, str],
    ) -> None:
        super().__init__(env)
        self.duo_oin = duo_oin
        self.gemeente_oins = dict(gemeente_oins)

    def ontvang_notificatie(
        self,
        *,
        bron: str,
        doel: str,
        bericht_id: str,
        gebeurtenis_id: str,
        registratie_datum_tijd: dt.datetime,
        bsn: str | None,
        v_nummer: int | None,
    ) -> Ontvangen:
        """Store the notificatie once; receiving it again changes nothing."""
        if bron != self.duo_oin:
            raise OnbekendeBron(f"Bron {bron} is niet DUO")
        gemeente = self.gemeente_oins.get(doel)
        if gemeente is None:
            raise OnbekendDoel(f"Doel {doel} is geen gemeente van dit platform")
        notificatie = DUONotificatie.ontvang(
            gemeente=gemeente,
            bron=bron,
            doel=doel,
            bericht_id=bericht_id,
            gebeurtenis_id=gebeurtenis_id,
            registratie_datum_tijd=registratie_datum_tijd,
            bsn=bsn,
            v_nummer=v_nummer,
        )
        bestaand = self._bestaand(notificatie.id)
        if bestaand is not None:
            return Ontvangen(bestaand.id, nieuw=False, status=bestaand.status)
        try:
            self.save(notificatie)
        except ConcurrencyConflict:
            # The same notificatie arrived twice at once; the other request stored it.
            bestaand = self._bestaand(notificatie.id)
            if bestaand is None:
                raise
            return Ontvangen(bestaand.id, nieuw=False, status=bestaand.status)
        return Ontvangen(notificatie.id, nieuw=True, status=notificatie.status)

    def markeer_verwerkt(
        self, notificatie_id: UUID, toelichting: str, *, gemeenten: Collection[str]
    ) -> dict[str, Any]:
        """For whoever carries the notificatie out (a policy, the DUO client, a person)."""
        notificatie = self.get_voor(DUONotificatie, notificatie_id, gemeenten)
        notificatie.markeer_verwerkt(toelichting)
        self.save(notificatie)
        return beschrijf(notificatie)

    def notificatie(self, notificatie_id: UUID, *, gemeenten: Collection[str]) -> dict[str, Any]:
        return beschrijf(self.get_voor(DUONotificatie, notificatie_id, gemeenten))

    def _bestaand(self, notificatie_id: UUID) -> DUONotificatie | None:
        try:
            aggregate: object = self.repository.get(notificatie_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(aggregate, DUONotificatie)
        return aggregate


def beschrijf(notificatie: DUONotificatie) -> dict[str, Any]:
    return {"id": notificatie.id, "versie": notificatie.version, **as_dict(notificatie)}
