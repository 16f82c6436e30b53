"""Rebuild one read model from the start of history into a fresh generation.

    python -m services.projections.rebuild caseload [--gemeente GM0222 ...]
    make rebuild MODEL=caseload [GEMEENTE=GM0222]

Embedded (PLATFORM_MODE=embedded, the default) it reads the services' own logs (their
SQLite files in DATA_DIR, or their PostgreSQL tables); with PLATFORM_MODE=kafka the topics
from offset 0, until it has reached their end offsets. A progress bar on stderr shows the
events per second and the time left. Meanwhile a running query API keeps answering from the
old generation; the switch to the new one is one transaction, after which the old tables are
dropped and a running projector follows the new generation from its positions.

`--gemeente` (repeatable) names the gemeenten whose history fills the new generation; by
default GEMEENTEN, the gemeenten the deployment's projectors serve (name the same ones, or a
rebuilt model misses the others until their events come again).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from services.projections.bootstrap import build_projections
from services.projections.config import ProjectionsSettings
from services.projections.leesmodellen import read_models
from services.projections.projector import rebuild
from shared.gemeenten import check_gemeentecode


def _gemeentecode(value: str) -> str:
    try:
        return check_gemeentecode(value.upper())
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def main(argv: Sequence[str] | None = None) -> int:
    gemeente_models, regio_models = read_models()
    names = [m.name for m in [*gemeente_models, *regio_models]]
    parser = argparse.ArgumentParser(
        prog="python -m services.projections.rebuild", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("model", choices=names, help="the read model to rebuild")
    parser.add_argument(
        "--gemeente",
        action="append",
        type=_gemeentecode,
        help="CBS code of a gemeente whose history to read (repeatable; default GEMEENTEN)",
    )
    parser.add_argument("--zonder-voortgang", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")

    settings = ProjectionsSettings()
    if args.gemeente:
        settings = settings.model_copy(update={"gemeenten": list(dict.fromkeys(args.gemeente))})
    projections = build_projections(settings)
    try:
        model = projections.models[args.model]
        source = projections.source(model, rebuild=True)
        result = rebuild(projections.store, model, source, show_progress=not args.zonder_voortgang)
    finally:
        projections.close()
    print(
        f"{result['model']}: generation {result['generation']}, {result['events']} records in "
        f"{result['seconds']:.1f} s ({result['events_per_s']:.0f}/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
