"""How event state is written to and read from the event stores: business dates as ISO 8601
strings, and dates stored as plain strings by an older event shape read back as dates."""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import MutableMapping
from typing import Any

from eventsourcing.persistence import Transcoding


class DateAsISO(Transcoding):
    """Business dates (dagtekening, examendatum) in stored events, as ISO 8601 strings."""

    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


def _is_date(annotation: Any) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is dt.date:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and args[0] is dt.date
    return False


@functools.cache
def date_fields(event_class: type) -> frozenset[str]:
    """The fields of an event class typed `date` or `date | None`."""
    try:
        hints = typing.get_type_hints(event_class, include_extras=True)
    except (NameError, TypeError):
        return frozenset()
    return frozenset(name for name, hint in hints.items() if _is_date(hint))


def restore_dates(event_class: type, state: MutableMapping[str, Any]) -> None:
    """Events stored before their dates were typed kept them as ISO strings (the shape the
    contracts published all along); read back, they are dates like the newer ones."""
    for name in date_fields(event_class):
        value = state.get(name)
        if isinstance(value, str):
            state[name] = dt.date.fromisoformat(value)
