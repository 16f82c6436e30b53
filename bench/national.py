"""National: a generated history of all 342 gemeenten over three years, written as
CloudEvents into Kafka (the relay's way: binary mode, keyed by aggregate), with the regional
stream the publishers would derive from it, then rebuilt into ALL read models (gemeente
and regional) with the projector, in a process of its own whose peak RSS psutil samples.

The history is cloned from one real life: the privacy scenario (bench/scenario.py)
drives one inburgeraar through intake, PIP and ontzorging on the real services; its events
are the templates. Each generated person gets new aggregate ids, a gemeente, a registration
day in the three years, its dates shifted along, 24 monthly course-hour registrations and 6
monthly ontzorging payments (only asielstatushouders, half the people, get ontzorging), and
stops where the three years end (people registered late are still in their intake or PIP).

Layout: by default one topic per service, partitioned by aggregate; `--gemeente-topics`
writes the deployed layout (`<gemeente>.inburgering.<service>`, 1026 topics), which costs the
shared broker much more. Both are run-unique (`bench-<run>.`) and deleted afterwards.

    python -m bench.national --rebuild --run R --schema S [--gemeente-topics]   (internal)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from bench.common import prefix, servers
from bench.templates import SERVICES, templates, warm_validators

REPO = Path(__file__).resolve().parents[1]
YEARS_END = dt.date(2026, 11, 1)
DAYS = 3 * 365
LIFE_DAYS = 900  # registration to the last event of a complete life


def topic_of(layout_gemeente: bool, run: str) -> Callable[[str, str], str]:
    from shared import topics

    if layout_gemeente:
        return topics.gemeente_topic
    return lambda gemeente, service: f"{prefix(run)}national.{service}"


def people_for(events: int) -> int:
    """How many people give about `events` events (lives are cut off at the end of the
    three years, half have no ontzorging): measured on a sample of 500 lives."""
    sample = sum(1 for _ in history(500, seed=1))
    return max(1, round(events / (sample / 500)))


def history(people: int, seed: int = 8) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(service, gemeente, CloudEvent) of `people` generated lives, life after life."""
    from shared.gemeenten import gemeenten

    life = templates()
    codes = sorted(gemeenten())
    rng = random.Random(seed)
    sequence = dict.fromkeys(SERVICES, 0)
    first_day = YEARS_END - dt.timedelta(days=DAYS)
    shifted: dict[tuple[str, int], str] = {}
    full = len(life.events)
    step = LIFE_DAYS / full
    for _ in range(people):
        gemeente = codes[rng.randrange(len(codes))]
        start = rng.randrange(DAYS)
        shift = (first_day + dt.timedelta(days=start) - life.base).days
        with_ontzorging = rng.random() < 0.5
        new_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(3)]
        mapping = dict(zip(life.ids, new_ids, strict=True)) | {"GM0222": gemeente}
        happened = min(full, int((DAYS - start) / step) + 1)
        for n, template in enumerate(life.events[:happened]):
            if template.service == "ontzorging" and not with_ontzorging:
                continue
            out = []
            for i, part in enumerate(template.parts):
                if i % 2 == 0:
                    out.append(part)
                elif part in mapping:
                    out.append(mapping[part])
                elif len(part) == 10:
                    key = (part, shift)
                    if key not in shifted:
                        day = dt.date.fromisoformat(part) + dt.timedelta(days=shift)
                        shifted[key] = day.isoformat()
                    out.append(shifted[key])
                else:
                    out.append(part)
            cloudevent = json.loads("".join(out))
            sequence[template.service] += 1
            moment = first_day + dt.timedelta(days=start + n * step)
            cloudevent["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            cloudevent["time"] = f"{moment.isoformat()}T09:00:00Z"
            cloudevent["sequence"] = str(sequence[template.service])
            yield template.service, gemeente, cloudevent


def all_regions_csv(run: str) -> Path:
    """Every gemeente in a region: the configured example regions as they are, the other
    gemeenten spread over synthetic regions, so the regional stream covers the country
    (the platform ships only an example of the 35 arbeidsmarktregio's)."""
    from shared.config import PlatformSettings
    from shared.gemeenten import gemeenten
    from shared.regions import regions_from_settings

    known = dict(
        regions_from_settings(PlatformSettings(environment="development")).regio_van_gemeente
    )
    rest = sorted(set(gemeenten()) - set(known))
    synthetic = 35 - len(set(known.values()))
    rows = [
        *known.items(),
        *((g, f"Bench regio {i % synthetic + 1:02d}") for i, g in enumerate(rest)),
    ]
    path = Path(tempfile.gettempdir()) / f"bench-{run}-regio.csv"
    lines = ["arbeidsmarktregio,gemeentecode", *(f"{r},{g}" for g, r in sorted(rows))]
    path.write_text("\n".join(lines) + "\n")
    return path


def generate(run: str, events: int, gemeente_topics: bool, partitions: int) -> dict[str, Any]:
    """Write the history and its regional stream; must run inside `run_topics(run)`."""
    from shared import topics
    from shared.bus import ensure_topics, make_producer
    from shared.cloudevents import to_kafka
    from shared.config import PlatformSettings
    from shared.contracts import validate_cloudevent
    from shared.gemeenten import gemeenten
    from shared.regional import MemoryLinks, NietRegionaal, RegionalTranslator, pseudonym_key
    from shared.regions import regions_from_settings

    settings = PlatformSettings(environment="development", regio_csv=all_regions_csv(run))
    regions = regions_from_settings(settings)
    key = pseudonym_key(settings)
    links = MemoryLinks()
    translators = {
        regio: RegionalTranslator(regio, regions.gemeenten_van(regio), key, links)
        for regio in {regions.regio_van(g) for g in gemeenten()} - {None}
        if regio is not None
    }
    topic = topic_of(gemeente_topics, run)
    names = sorted({topic(g, s) for g in gemeenten() for s in SERVICES})
    regio_names = sorted(topics.regio_topic(r) for r in translators)
    ensure_topics(servers(), names, partitions=3 if gemeente_topics else partitions)
    ensure_topics(servers(), regio_names)
    producer = make_producer(servers(), linger_ms=50, batch_size=1024 * 1024)
    people = people_for(events)
    written = regional = 0
    started = time.perf_counter()
    try:
        for service, gemeente, cloudevent in history(people):
            if written < 300:
                validate_cloudevent(cloudevent)  # the clones keep their contracts
            k, value, headers = to_kafka(cloudevent)
            producer.send(topic(gemeente, service), key=k, value=value, headers=headers)
            written += 1
            regio = regions.regio_van(gemeente)
            if regio is None:
                continue
            try:
                translated = translators[regio].translate(cloudevent)
            except NietRegionaal:
                continue
            if translated is not None:
                k, value, headers = to_kafka(translated)
                producer.send(topics.regio_topic(regio), key=k, value=value, headers=headers)
                regional += 1
        producer.flush()
    finally:
        producer.close()
        settings.regio_csv.unlink()
    seconds = time.perf_counter() - started
    return {
        "people": people,
        "events": written,
        "regional_events": regional,
        "generate_seconds": seconds,
        "topics": names,
        "regio_topics": regio_names,
    }


# --- The rebuild, in a process of its own -----------------------------------------------------


class PeakRss:
    """The process's resident set, sampled by psutil every 0.2 s, and the kernel's maxrss."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        kernel = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
        self.peak = max(self.peak, kernel)


def rebuild_all(schema: str, topic_names: Iterable[str], regio_names: Iterable[str]) -> Any:
    from bench.projection import rebuild_model
    from services.projections.feed import FEED_GEMEENTE
    from services.projections.leesmodellen import read_models
    from shared.contracts import validate_cloudevent

    warm_validators(validate_cloudevent)
    gemeente_models, regio_models = read_models()
    per_model = {}
    with PeakRss() as rss:
        started = time.perf_counter()
        for model in gemeente_models:
            result = rebuild_model(schema, model, list(topic_names), model is FEED_GEMEENTE)
            per_model[model.name] = {"events": result["events"], "seconds": result["seconds"]}
        for model in regio_models:
            result = rebuild_model(schema, model, list(regio_names))
            per_model[model.name] = {"events": result["events"], "seconds": result["seconds"]}
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_rss_mb": rss.peak / 2**20, "models": per_model}


def rebuild_in_process(run: str, schema: str, made: dict[str, Any], profile: Path | None) -> Any:
    """`rebuild_all` in a child process (its memory is its own); with `profile`, under
    cProfile, the pstats summary written there."""
    spec = {"schema": schema, "topics": made["topics"], "regio_topics": made["regio_topics"]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    command = [sys.executable, "-m", "bench.national", "--rebuild", f.name, "--run", run]
    if profile:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    Path(f.name).unlink()
    if done.returncode:
        raise RuntimeError(f"the national rebuild failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__)
    parser.add_argument("--rebuild", required=True, help="the spec file (internal)")
    parser.add_argument("--run", required=True)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    spec = json.loads(Path(args.rebuild).read_text())

    def work() -> Any:
        return rebuild_all(spec["schema"], spec["topics"], spec["regio_topics"])

    if args.profile:
        from bench.report import profiled

        result = profiled(work, args.profile)
    else:
        result = work()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
