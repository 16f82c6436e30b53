"""What the query API, the worker and a rebuild share: the store (`projections`: a SQLite
file in DATA_DIR, or the PostgreSQL schema), the read models, one projector per read model
over a fresh source of its events, and how far each has caught up.

The sources are injected (`Bronnen`: the services' logs, or Kafka; see
`services.projections.bronnen`), chosen by `services.projections.bootstrap`."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from services.projections.feed import FEED_GEMEENTE, FEED_REGIO
from services.projections.gemeente.tabellen import GEMEENTE_MODELS
from services.projections.projector import Generations, Projector, ReadModel
from services.projections.regio.tabellen import REGIO_MODELS
from services.projections.voortgang import Stand, Voortgang
from shared.consumer import EventSource
from shared.sqlstore import SQLStore

log = logging.getLogger(__name__)


def read_models() -> tuple[list[ReadModel], list[ReadModel]]:
    """(models of the gemeente streams, models of the regional stream)."""
    return [*GEMEENTE_MODELS, FEED_GEMEENTE], [*REGIO_MODELS, FEED_REGIO]


REGIONALE_MODELLEN = frozenset(m.name for m in read_models()[1])


class Bronnen(Protocol):
    """Where the models' events come from, and how far those sources are."""

    def source(self, model: ReadModel, *, rebuild: bool = False) -> EventSource: ...

    def heads(self, gemeente: str | None = None) -> dict[str, int]:
        """Per source of the gemeente streams (of one gemeente), the position of its end."""

    def eigen(self, positions: Mapping[str, int], gemeente: str | None) -> dict[str, int]:
        """Of stored positions, those of the sources that carry the gemeente's events."""

    def stand(self, store: SQLStore, model: ReadModel) -> Stand | None:
        """The model's progress when its projector runs elsewhere; None when it runs here."""

    def close(self) -> None: ...


class Closeable(Protocol):
    def close(self) -> None: ...


class Projections:
    """The store, the read models, their sources and projectors, and their progress."""

    def __init__(
        self, store: SQLStore, bronnen: Bronnen, *, owned: Sequence[Closeable] = ()
    ) -> None:
        gemeente_models, regio_models = read_models()
        self.models: dict[str, ReadModel] = {m.name: m for m in [*gemeente_models, *regio_models]}
        self.store = store
        self.bronnen = bronnen
        self._owned = list(owned)
        self.generations = Generations(self.store)
        for model in self.models.values():
            self.generations.ensure(model)
        self._projectors: list[Projector] | None = None

    def source(self, model: ReadModel, *, rebuild: bool = False) -> EventSource:
        """A fresh source of `model`'s events; for a rebuild one that ends when caught up."""
        return self.bronnen.source(model, rebuild=rebuild)

    def projectors(self) -> list[Projector]:
        """One projector per read model, each following its active generation."""
        if self._projectors is None:
            self._projectors = [
                Projector(self.store, model, self.source(model)) for model in self.models.values()
            ]
        return self._projectors

    def standen(self) -> list[Any]:
        """What the query API reads progress from: the projectors themselves when they run
        in this process (embedded), else their stored positions and the sources' ends."""
        standen = [self.bronnen.stand(self.store, model) for model in self.models.values()]
        if any(stand is None for stand in standen):
            return list(self.projectors())
        return standen

    def heads(self, gemeente: str | None = None) -> dict[str, int]:
        """Per source of the gemeente streams, the position of its last record."""
        return self.bronnen.heads(gemeente)

    def voortgang(self, model: ReadModel, gemeente: str | None = None) -> Voortgang:
        """The active generation of a gemeente-stream model, its positions (for one
        gemeente: the sources that carry that gemeente's events) and its lag."""
        generatie = self.generations.active(model.name) or self.generations.ensure(model)
        stored = self.bronnen.eigen(self.generations.positions(model.name, generatie), gemeente)
        try:
            heads = self.heads(gemeente)
        except Exception:
            log.exception("The sources of %s do not tell how far they are", model.name)
            return Voortgang(generatie, dict(sorted(stored.items())), None)
        positie = {name: stored.get(name, 0) for name in heads} | stored
        achterstand = sum(max(0, head - positie[name]) for name, head in heads.items())
        return Voortgang(generatie, dict(sorted(positie.items())), achterstand)

    def close(self) -> None:
        self.bronnen.close()
        for owned in self._owned:
            owned.close()
        self._owned.clear()
        self.store.close()
