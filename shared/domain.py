"""Building blocks every service's domain model shares: the gemeente-owned aggregate,
domain exceptions, and the marking of personal-data fields."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from shared.clock import current_clock

VERWIJDERD = "[verwijderd]"
"""What a destroyed personal-data text field reads as (crypto-shredding), so aggregates still
load and replay."""


class SchemaHint(dict[str, str]):
    """JSON Schema keywords that refine an annotation in the contracts (hashable, because
    typing hashes the metadata of `Annotated` inside unions)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


IsoDatum = Annotated[str, SchemaHint(format="date")]
"""A business date in an event, stored as ISO 8601 (YYYY-MM-DD); the contracts say so."""


class DomainError(Exception):
    """A refusal by the domain. `code` is stable for API clients; `bron` cites the source
    of the rule (article of the Wet/Besluit inburgering 2021 or DUO's validation rules)."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Regel overtreden"
    bron: ClassVar[str | None] = None

    def __init__(self, detail: str, *, ontbrekend: Iterable[str] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.ontbrekend = list(ontbrekend)

    @property
    def code(self) -> str:
        return type(self).__name__


class RuleViolation(DomainError):
    """A business rule refuses the command."""


class GeenToegang(DomainError):
    """The caller's token does not allow this gemeente, region or role: the one access
    refusal of every service (403)."""

    status = 403
    title = "Geen toegang"


class NotFound(DomainError):
    status = 404
    title = "Niet gevonden"


class ConcurrencyConflict(DomainError):
    status = 409
    title = "Gelijktijdige wijziging"


class GemeenteAggregate(Aggregate):
    """An aggregate that belongs to exactly one gemeente (CBS code).

    Subclasses list their personal-data attributes in `persoonsgegevens`, and each event
    class that carries personal data lists its fields the same way, so that a later layer
    can encrypt exactly those per person.
    """

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset()
    gemeente: str

    class Event(Aggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset()
        # Internal bookkeeping (a search index, say) is not published to other systems.
        intern: ClassVar[bool] = False

        @staticmethod
        def create_timestamp() -> dt.datetime:
            # Registration time comes from the process clock, so tests control it.
            return current_clock().now()

    class Created(Event, Aggregate.Created):
        pass

    def check_versie(self, verwacht: int | None) -> None:
        """Optimistic concurrency: the caller saw version `verwacht` (If-Match)."""
        if verwacht is not None and verwacht != self.version:
            raise ConcurrencyConflict(
                f"Gewijzigd door iemand anders: versie is {self.version}, verwacht {verwacht}"
            )


def today() -> dt.date:
    return current_clock().today()


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def as_dict(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


class Ontvangst(GemeenteAggregate):
    """A received event, processed once: the id derives from the CloudEvent's source and
    id, so a second delivery of the same event conflicts in the same transaction as its
    effect and changes nothing."""

    class Ontvangen(GemeenteAggregate.Created):
        intern: ClassVar[bool] = True
        gemeente: str
        bron: str
        bericht_id: str
        bericht_type: str

    @staticmethod
    def create_id(bron: str, bericht_id: str, **_: Any) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{bron}#{bericht_id}")

    @event(Ontvangen)
    def __init__(self, gemeente: str, bron: str, bericht_id: str, bericht_type: str) -> None:
        self.gemeente = gemeente
        self.bron = bron
        self.bericht_id = bericht_id
        self.bericht_type = bericht_type
