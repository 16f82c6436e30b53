"""At-least-once delivery and crashes: a projector killed (SIGKILL) in the middle of a batch
resumes from its last committed batch to exactly the rows of a clean build, and an event
delivered twice changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from services.projections.bootstrap import build_projections
from services.projections.config import ProjectionsSettings
from services.projections.gemeente import GEMEENTE_MODELS
from services.projections.projector import Generations, Projector, suffix
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.eventlog import ServiceLog
from tests.chain.keten import ListSource
from tests.projections.conftest import DAAR, HIER, Keten, rijen, speel
from tests.projections.test_gemeente_rebuild import cli_env

REPO = Path(__file__).resolve().parents[2]
BATCH = 10
KILL_AT = 25  # the 25th applied event: in the third batch at the earliest, never committed
CRASHED, CLEAN = 50, 60


def crash_main() -> None:
    """The child process: project `model` into generation `CRASHED` in batches of `BATCH`
    records, and SIGKILL itself right after applying its `KILL_AT`-th event, inside the
    batch's open transaction. Settings come from the environment, as in a worker."""
    name = sys.argv[1]
    projections = build_projections(ProjectionsSettings())
    model = projections.models[name]
    applied = 0

    def kill_in_batch(position: int) -> None:
        nonlocal applied
        applied += 1
        if applied == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)

    projector = Projector(
        projections.store,
        model,
        projections.source(model),
        generation=CRASHED,
        on_applied=kill_in_batch,
    )
    while projector.run_once(BATCH):
        pass
    raise SystemExit(f"{name}: all {applied} events applied and no kill")


def seen(keten: Keten, name: str, generation: int) -> int:
    [(count,)] = keten.store.query(
        "SELECT COUNT(*) FROM projection_seen WHERE model = ? AND generation = ?",
        (name, generation),
    )
    return int(count)


@pytest.mark.parametrize("name", [m.name for m in GEMEENTE_MODELS])
def test_a_projector_killed_in_the_middle_of_a_batch_resumes_to_the_same_rows(
    keten: Keten, clock: FrozenClock, settings: PlatformSettings, name: str
) -> None:
    speel(keten, clock, projecteer=False)
    model = keten.model(name)
    with keten.store.transaction() as tx:
        model.create(tx, suffix(CRASHED))
        model.create(tx, suffix(CLEAN))

    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tests.projections.test_gemeente_delivery import crash_main; crash_main()",
            name,
        ],
        cwd=REPO,
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    committed = seen(keten, name, CRASHED)
    assert 0 < committed < KILL_AT, "whole batches only: the open one was rolled back"
    assert Generations(keten.store).positions(name, CRASHED), "its positions were stored"

    restarted = Projector(keten.store, model, keten.projections.source(model), generation=CRASHED)
    restarted.run_until_idle()
    clean = Projector(keten.store, model, keten.projections.source(model), generation=CLEAN)
    clean.run_until_idle()

    assert rijen(keten.store, model, CRASHED) == rijen(keten.store, model, CLEAN)
    assert restarted.positions() == clean.positions()
    assert seen(keten, name, CRASHED) == seen(keten, name, CLEAN)


def test_an_event_delivered_twice_changes_nothing(keten: Keten, clock: FrozenClock) -> None:
    """Every event of the served gemeenten again, twice over, under another source name (as
    a relay that lost its bookkeeping re-sends, with the same CloudEvents source and id): in
    one batch and across batches, nothing changes."""
    speel(keten, clock)
    generations = Generations(keten.store)
    alles = [
        cloudevent
        for application in (keten.intake, keten.pip, keten.ontzorging)
        for _, cloudevent in ServiceLog(application).read(0, 10_000)
        if cloudevent is not None and cloudevent["gemeente"] in (HIER, DAAR)
    ]
    for model in GEMEENTE_MODELS:
        generation = generations.active(model.name)
        assert generation is not None
        voor = rijen(keten.store, model, generation)
        for batch in (1000, 7):
            herhaling = ListSource(f"herhaling-{batch}", alles + alles)
            projector = Projector(keten.store, model, herhaling)
            while projector.run_once(batch):
                pass
            assert projector.position(herhaling.name) == 2 * len(alles)
            assert rijen(keten.store, model, generation) == voor, (model.name, batch)
