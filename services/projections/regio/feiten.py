"""What a regional read model may take from one regional event, read strictly: each value
is checked for the shape of its kind, so that a value of another shape (a name where a code
belongs) never reaches a table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.gemeenten import is_gemeentecode

_SOURCE = re.compile(
    r"^urn:nld:regio:(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*):systeem:inburgering-regio$"
)
_PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")
_CODE = re.compile(r"^[A-Za-z0-9_]{1,40}$")


class OngeldigRegionaalEvent(ValueError):
    """A regional event these models do not take: it is logged and skipped."""


@dataclass(frozen=True)
class Feit:
    """What a read model may take from one regional event, each value checked for its shape:
    a value of another shape (a name where a code belongs) never reaches a table."""

    regio: str
    persoon: str
    gemeente: str
    data: Mapping[str, Any]

    @classmethod
    def van(cls, cloudevent: Mapping[str, Any]) -> Feit:
        match = _SOURCE.match(str(cloudevent.get("source")))
        if match is None:
            raise OngeldigRegionaalEvent("source is geen regionale bron")
        data = cloudevent.get("data")
        if not isinstance(data, Mapping):
            raise OngeldigRegionaalEvent("data ontbreekt")
        persoon, gemeente = data.get("persoon"), data.get("gemeente")
        if not isinstance(persoon, str) or not _PSEUDONYM.match(persoon):
            raise OngeldigRegionaalEvent("persoon is geen pseudoniem")
        if not isinstance(gemeente, str) or not is_gemeentecode(gemeente):
            raise OngeldigRegionaalEvent("gemeente is geen CBS-gemeentecode")
        return cls(match["slug"], persoon, gemeente, data)

    def datum(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) != 10:
            return _bad(name)
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return _bad(name)

    def code(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) and _CODE.match(value) else _bad(name)

    def aantal(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            return _bad(name)
        return value

    def ja_nee(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None:
            return None
        return value if isinstance(value, bool) else _bad(name)

    def organisatie(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        ok = isinstance(value, str) and 0 < len(value) <= 120 and value.isprintable()
        return value.strip() if ok else _bad(name)


def _bad(name: str) -> Any:
    raise OngeldigRegionaalEvent(f"{name} heeft niet de vorm van zijn soort")
