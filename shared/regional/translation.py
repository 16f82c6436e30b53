"""A gemeente's CloudEvent -> the regional CloudEvent: the allowed fields under the person's
pseudonym, or nothing for a type that does not go to the region.

Which inburgeraar an event is about: intake's aggregate id is the inburgeraar id; PIP's
(traject) and ontzorging's aggregate ids are one-way UUIDv5s of gemeente and inburgeraar id.
Their creation events (`PIPOpgesteld`, `OntzorgingGestart`) carry `inburgeraarId`; the
translator keeps that link (aggregate id -> inburgeraar id, `PersonLinks`) and resolves later
events of the aggregate through it. The creation event is the aggregate's first record on the
same partition, so the link is always known before it is needed; an event of a listed type
whose person cannot be resolved is refused rather than published under a second, unlinked
pseudonym.

A person is a person per gemeente: after a move to another gemeente the intake registers a
new inburgeraar (new id), so within one region the two are two pseudonyms."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from pydantic.alias_generators import to_camel

from shared.cloudevents import SCHEMA_BASE, SPECVERSION, service_of_type, source_of
from shared.gemeenten import is_gemeentecode
from shared.regional.allowlist import (
    ALLOW_LIST,
    CODE_PATTERN,
    COUNT_MAX,
    ORGANISATION_MAX_LENGTH,
    Kind,
    regional_type,
)
from shared.regional.pseudonym import pseudonym, regional_id
from shared.regions import regio_slug

# Services whose aggregate id is the inburgeraar id itself.
PERSON_AGGREGATE_SERVICES = frozenset({"intake"})


def regional_source(regio: str) -> str:
    return f"urn:nld:regio:{regio_slug(regio)}:systeem:inburgering-regio"


# --- Refusals ------------------------------------------------------------------------------


class NietRegionaal(ValueError):
    """An event the regional stream refuses: it goes to the dead letters, not to the region."""


class BuitenRegio(NietRegionaal):
    pass


class OnbekendePersoon(NietRegionaal):
    pass


class OngeldigeWaarde(NietRegionaal):
    pass


# --- Which person an event is about ---------------------------------------------------------


class PersonLinks(Protocol):
    """Aggregate id -> inburgeraar id, learned from events that carry both
    (`shared.regional.links` keeps them)."""

    def get(self, aggregate_id: str) -> str | None: ...

    def put(self, aggregate_id: str, person_id: str) -> None: ...


def _uuid_text(value: Any, what: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise OngeldigeWaarde(f"{what} is geen UUID") from None


def explicit_person(cloudevent: Mapping[str, Any]) -> str | None:
    """The inburgeraar id the event's data names, if any."""
    value = cloudevent.get("data", {}).get("inburgeraarId")
    return None if value is None else _uuid_text(value, "inburgeraarId")


def learn(links: PersonLinks, cloudevent: Mapping[str, Any]) -> None:
    """Remember which inburgeraar an aggregate is about, when the event says so."""
    person = explicit_person(cloudevent)
    subject = cloudevent.get("subject")
    if person is None or subject is None:
        return
    aggregate = _uuid_text(subject, "subject")
    if aggregate != person:
        links.put(aggregate, person)


def person_of(cloudevent: Mapping[str, Any], links: PersonLinks | None = None) -> str:
    """The inburgeraar id behind an event: named in the data, the aggregate itself (intake),
    or linked from an earlier event of the same aggregate."""
    explicit = explicit_person(cloudevent)
    if explicit is not None:
        return explicit
    subject = cloudevent.get("subject")
    if subject is None:
        raise OnbekendePersoon("het event noemt geen aggregate (subject)")
    aggregate = _uuid_text(subject, "subject")
    if service_of_type(cloudevent["type"]) in PERSON_AGGREGATE_SERVICES:
        return aggregate
    linked = links.get(aggregate) if links is not None else None
    if linked is None:
        raise OnbekendePersoon(
            f"geen inburgeraar bekend voor aggregate {aggregate} ({cloudevent['type']})"
        )
    return linked


# --- The translation ------------------------------------------------------------------------

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CODE = re.compile(CODE_PATTERN)


def _checked(kind: Kind, name: str, value: Any) -> Any:
    if value is None:
        return None
    ok = False
    # fullmatch: `$` in `match` would also let a trailing newline through.
    if kind is Kind.DATE and isinstance(value, str) and _DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
            ok = True
        except ValueError:
            ok = False
    elif kind is Kind.BOOL:
        ok = isinstance(value, bool)
    elif kind is Kind.COUNT:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= COUNT_MAX
    elif kind is Kind.CODE:
        ok = isinstance(value, str) and bool(_CODE.fullmatch(value))
    elif kind is Kind.ORGANISATION:
        ok = (
            isinstance(value, str)
            and 0 < len(value) <= ORGANISATION_MAX_LENGTH
            and value.isprintable()
        )
    if not ok:
        raise OngeldigeWaarde(f"{name}: geen geldige waarde van soort {kind.value}")
    return value


def _registration_time(value: Any) -> str | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise OngeldigeWaarde("time is geen RFC 3339-tijdstip") from None
    if moment.tzinfo is None:
        raise OngeldigeWaarde("time heeft geen tijdzone")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def to_regional(
    cloudevent: Mapping[str, Any], regio: str, key: bytes, *, persoon_id: str | None = None
) -> dict[str, Any] | None:
    """The regional CloudEvent for `cloudevent`, or None when its type does not go to the
    region. `persoon_id` is the inburgeraar id behind the event; without it, the event must
    name the person itself (see `person_of`). Raises NietRegionaal for an event that should
    go to the region but cannot (unknown person, a value of the wrong shape)."""
    fields = ALLOW_LIST.get(cloudevent["type"])
    if fields is None:
        return None
    gemeente = cloudevent.get("gemeente")
    if not isinstance(gemeente, str) or not is_gemeentecode(gemeente):
        raise OngeldigeWaarde(f"gemeente {gemeente!r} is geen CBS-gemeentecode")
    persoon = pseudonym(key, regio, persoon_id or person_of(cloudevent))
    source = regional_source(regio)
    ce_type = regional_type(cloudevent["type"])
    original = cloudevent.get("data", {})
    data: dict[str, Any] = {"persoon": persoon, "gemeente": gemeente}
    for name, kind in fields.items():
        camel = to_camel(name)
        if camel in original:
            data[camel] = _checked(kind, camel, original[camel])
    regional = {
        "specversion": SPECVERSION,
        "id": regional_id(key, regio, str(cloudevent["source"]), str(cloudevent["id"])),
        "source": source,
        "type": ce_type,
        "subject": persoon,
        "time": _registration_time(cloudevent.get("time")),
        "datacontenttype": "application/json",
        "dataschema": f"{SCHEMA_BASE}/{ce_type}.json",
        "partitionkey": persoon,
        "gemeente": gemeente,
        "data": data,
    }
    return {k: v for k, v in regional.items() if v is not None}


class RegionalTranslator:
    """Learns person links from every event of the region and translates the listed ones;
    shared by the Kafka publisher (`services.regio`) and the embedded path reading the
    service logs (`services.projections`)."""

    def __init__(
        self, regio: str, gemeenten: Iterable[str], key: bytes, links: PersonLinks
    ) -> None:
        self.regio = regio
        self.gemeenten = frozenset(gemeenten)
        self.key = key
        self.links = links

    def translate(self, cloudevent: Mapping[str, Any]) -> dict[str, Any] | None:
        gemeente = cloudevent.get("gemeente")
        if gemeente not in self.gemeenten:
            raise BuitenRegio(f"gemeente {gemeente!r} hoort niet bij regio {self.regio!r}")
        try:
            service = service_of_type(str(cloudevent.get("type")))
        except ValueError as e:
            raise OngeldigeWaarde(str(e)) from None
        if cloudevent.get("source") != source_of(gemeente, service):
            raise BuitenRegio(
                f"source {cloudevent.get('source')!r} is niet die van {gemeente} ({service})"
            )
        learn(self.links, cloudevent)
        if cloudevent["type"] not in ALLOW_LIST:
            return None
        persoon_id = person_of(cloudevent, self.links)
        return to_regional(cloudevent, self.regio, self.key, persoon_id=persoon_id)
