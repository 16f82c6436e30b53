"""W3C Trace Context (https://www.w3.org/TR/trace-context/): one trace id for a processing
that spans services, over HTTP (`traceparent` header), in stored events (a `traceparent`
attribute) and over Kafka (the CloudEvents Distributed Tracing extension, `ce_traceparent`).

The current span lives in a context variable: the HTTP middleware and the consumers set it,
`GemeenteApplication.save()` stamps it on the events it stores."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class Span:
    trace_id: str
    span_id: str
    parent_span_id: str | None = None
    flags: str = "01"

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    def child(self) -> Span:
        """A new span in the same trace, with this one as its parent."""
        return Span(self.trace_id, _new_id(8), self.span_id, self.flags)


def _new_id(nbytes: int) -> str:
    while (value := secrets.token_hex(nbytes)) == "0" * (2 * nbytes):
        pass  # all-zero ids are invalid
    return value


def new_trace() -> Span:
    return Span(_new_id(16), _new_id(8))


def parse_traceparent(value: str | None) -> Span | None:
    """The caller's span, or None when absent or invalid (then a new trace starts: an
    invalid header is not the caller's error to pay for)."""
    if not value:
        return None
    match = TRACEPARENT.match(value.strip())
    if match is None:
        return None
    trace_id, span_id, flags = match.groups()
    if trace_id == "0" * 32 or span_id == "0" * 16:
        return None
    return Span(trace_id, span_id, None, flags)


def continue_from(traceparent: str | None) -> Span:
    """The span of work done on behalf of `traceparent`: its child, or a new trace."""
    parent = parse_traceparent(traceparent)
    return parent.child() if parent else new_trace()


current_span: ContextVar[Span | None] = ContextVar("current_span", default=None)


@contextmanager
def span(active: Span) -> Iterator[Span]:
    token = current_span.set(active)
    try:
        yield active
    finally:
        current_span.reset(token)
