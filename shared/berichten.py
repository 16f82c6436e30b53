"""Reading other services' events in a policy: what a CloudEvent's data must hold, and the
refusal when it does not (a dead letter naming what is missing, never a guess)."""

from __future__ import annotations

from typing import Any

from shared.domain import DomainError


class OnleesbaarBericht(DomainError):
    """The event lacks what its contract promises: dead-lettered, not retried."""

    title = "Onleesbaar bericht"


def vereist(cloudevent: dict[str, Any], *velden: str) -> None:
    """Every named field of the data is present and not null (e.g. an event stored before
    its type carried the field)."""
    ontbrekend = [veld for veld in velden if cloudevent["data"].get(veld) is None]
    if ontbrekend:
        raise OnleesbaarBericht(
            f"{cloudevent['type']} {cloudevent['id']} mist {', '.join(ontbrekend)}",
            ontbrekend=ontbrekend,
        )
