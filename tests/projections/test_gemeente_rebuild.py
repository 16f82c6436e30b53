"""Rebuilding the gemeente read models: a model rebuilt from the start of history equals the
one built event by event, whatever the order between the services; queries keep reading
the old generation until the rebuild switches over; `python -m services.projections.rebuild`
does it from the command line with a progress bar."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.intake.domainmodel import Doelgroep
from services.projections import projector as projector_module
from services.projections.gemeente import CASELOAD, GEMEENTE_MODELS
from services.projections.projector import Generations, Projector, rebuild, suffix
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.eventlog import ServiceLog
from tests.chain.keten import ListSource
from tests.projections.conftest import DAAR, HIER, Keten, rijen, speel, verhaal

REPO = Path(__file__).resolve().parents[2]


def active(keten: Keten, name: str) -> int:
    generation = Generations(keten.store).active(name)
    assert generation is not None
    return generation


def test_a_read_model_rebuilt_from_scratch_equals_the_incremental_one(
    keten: Keten, clock: FrozenClock
) -> None:
    """All three models, row for row: the incremental ones were projected at every step
    of the story, the rebuilt ones read the three services' logs from position 0."""
    speel(keten, clock)
    for model in GEMEENTE_MODELS:
        generation = active(keten, model.name)
        incremental = rijen(keten.store, model, generation)
        assert sum(map(len, incremental.values())) > 10, model.name

        result = rebuild(keten.store, model, keten.projections.source(model), show_progress=False)

        assert result["generation"] == generation + 1 == active(keten, model.name)
        assert rijen(keten.store, model, generation + 1) == incremental, model.name
        with pytest.raises(Exception):  # noqa: B017 - SQLite and psycopg name it differently
            keten.store.query(f"SELECT 1 FROM {model.name}{suffix(generation)}")


def test_the_order_between_the_services_does_not_matter(keten: Keten, clock: FrozenClock) -> None:
    """On Kafka the three services' topics interleave differently on every read; only each
    aggregate's own order holds. The same events, ontzorging's first, then the PIP's, then
    the intake's, give the same rows."""
    speel(keten, clock)
    achterstevoren = [
        cloudevent
        for application in (keten.ontzorging, keten.pip, keten.intake)
        for _, cloudevent in ServiceLog(application).read(0, 10_000)
        if cloudevent is not None and cloudevent["gemeente"] in (HIER, DAAR)
    ]
    for model in GEMEENTE_MODELS:
        with keten.store.transaction() as tx:
            model.create(tx, suffix(90))
        projector = Projector(
            keten.store, model, ListSource("achterstevoren", achterstevoren), generation=90
        )
        projector.run_until_idle()
        assert rijen(keten.store, model, 90) == rijen(
            keten.store, model, active(keten, model.name)
        ), model.name


class Tussenstand:
    """A progress bar that asks the query API, between the rebuild's batches, what it sees."""

    def __init__(self, keten: Keten) -> None:
        self.keten = keten
        self.gezien: list[tuple[str, int]] = []

    def update(self, n: int) -> None:
        body = self.keten.get(f"/gemeenten/{HIER}/caseload", paginaGrootte=100)
        amal = next(r for r in body["caseload"] if r["naam"] == "Amal")
        self.gezien.append((amal["status"], body["meta"]["generatie"]))

    def close(self) -> None:
        pass


def test_queries_read_the_old_generation_until_the_rebuild_switches_over(
    keten: Keten, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    stappen = verhaal(keten, clock)
    assert next(stappen) == "begin"
    keten.projecteer()
    for _ in stappen:  # the story goes on while the projector stands still
        pass
    tussenstand = Tussenstand(keten)

    @contextlib.contextmanager
    def bar(total: int, description: str) -> Iterator[Tussenstand]:
        assert total > 0 and description == "rebuild caseload"
        yield tussenstand

    monkeypatch.setattr(projector_module, "progress_bar", bar)
    rebuild(keten.store, CASELOAD, keten.projections.source(CASELOAD))

    assert tussenstand.gezien and set(tussenstand.gezien) == {("pip_vastgesteld", 1)}
    assert keten.caseload()["Amal"]["status"] == "voldaan"
    assert keten.get(f"/gemeenten/{HIER}/caseload")["meta"]["generatie"] == 2

    # The running projector follows the new generation from its positions.
    keten.registreer("Ivo", HIER, Doelgroep.GEZINSMIGRANT, clock.today())
    body = keten.get(f"/gemeenten/{HIER}/caseload", paginaGrootte=100)
    assert body["meta"]["achterstand"] > 0
    keten.projecteer()
    assert keten.caseload()["Ivo"]["status"] == "geregistreerd"
    meta = keten.get(f"/gemeenten/{HIER}/caseload")["meta"]
    assert (meta["achterstand"], meta["generatie"]) == (0, 2)


def cli_env(settings: PlatformSettings) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DATABASE_SCHEMA", "PLATFORM_MODE", "GEMEENTEN")
    }
    env |= {
        "DATA_DIR": str(settings.data_dir),
        "ENVIRONMENT": "test",
        "PLATFORM_MODE": "embedded",
        "GEMEENTEN": f"{HIER},{DAAR}",
    }
    if settings.database_url:
        env |= {
            "DATABASE_URL": settings.database_url,
            "DATABASE_SCHEMA": str(settings.database_schema),
        }
    return env


def test_the_rebuild_command_shows_progress_and_switches_the_api_over(
    keten: Keten, clock: FrozenClock, settings: PlatformSettings
) -> None:
    """`python -m services.projections.rebuild signalen`, as `make rebuild MODEL=signalen`
    runs it, beside a running API: it reads the services' logs (SQLite files or PostgreSQL
    tables) from the start, and the API answers from the new generation afterwards."""
    speel(keten, clock)
    model = keten.model("signalen")
    voor = rijen(keten.store, model, 1)
    signalen_voor = keten.signalen()

    done = subprocess.run(
        [sys.executable, "-m", "services.projections.rebuild", "signalen"],
        cwd=REPO,
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("signalen: generation 2, "), done.stdout
    assert "rebuild signalen" in done.stderr and "ev/s" in done.stderr, done.stderr
    assert rijen(keten.store, model, 2) == voor
    assert keten.signalen() == signalen_voor
    assert keten.get(f"/gemeenten/{HIER}/signalen")["meta"]["generatie"] == 2


def test_the_rebuild_command_names_the_models_it_knows(settings: PlatformSettings) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.projections.rebuild", "caseloud"],
        cwd=REPO,
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "invalid choice: 'caseloud'" in done.stderr and "caseload" in done.stderr
