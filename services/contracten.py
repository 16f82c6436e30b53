"""The catalogue of the services that publish events, and `make contracts`: a composition
over all services (like `services/embedded.py`), the one place that imports every
producer's domain model to derive the published contracts from its event classes.

    python -m services.contracten                        # write contracts/
    python -m services.contracten --allow-incompatible   # overwrite a published schema anyway

It refuses to overwrite a published schema with an incompatible one: a backward-incompatible
change of an event's data needs a new type version (`contract_version`), never an edit of
v1. Readers never come here: they validate against the committed files (`contracts/`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eventsourcing.domain import DomainEvent

from services.duo import domainmodel as duo
from services.intake import domainmodel as intake
from services.ontzorging import domainmodel as ontzorging
from services.pip import domainmodel as pip
from shared import contracts

# Every service that publishes domain events on its gemeente topics (DUO: the chain service),
# in the order of the AsyncAPI document's channels.
DOMAIN_MODELS = {"intake": intake, "pip": pip, "ontzorging": ontzorging, "duo": duo}
SERVICES = tuple(DOMAIN_MODELS)


def domain_event_classes() -> list[type[DomainEvent]]:
    """Every domain event class the services publish, in definition order."""
    return contracts.published_event_classes(DOMAIN_MODELS.values())


def generated_schemas() -> dict[str, dict[str, Any]]:
    """CloudEvent type -> the JSON Schema of its data, as the code says: every domain event
    type, then every regional type."""
    return contracts.generated_schemas(domain_event_classes())


def asyncapi_document() -> dict[str, Any]:
    return contracts.asyncapi_document(domain_event_classes())


def write_contracts(root: Path, *, allow_incompatible: bool = False) -> list[Path]:
    return contracts.write_contracts(
        root, domain_event_classes(), allow_incompatible=allow_incompatible
    )


def versions_report(committed: Iterable[str]) -> list[str]:
    """One line per type published in more than one version: what producers send now and
    the versions before it, which stay published for readers of older history."""
    versions: dict[str, list[int]] = {}
    for ce_type in committed:
        base, version = contracts.type_version(ce_type)
        versions.setdefault(base, []).append(version)
    return [
        f"{base}: v{max(found)} (earlier: {', '.join(f'v{v}' for v in sorted(found)[:-1])})"
        for base, found in sorted(versions.items())
        if len(found) > 1
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.contracten", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    parser.add_argument(
        "--allow-incompatible",
        action="store_true",
        help="overwrite published schemas even if the change is incompatible",
    )
    args = parser.parse_args(argv)
    try:
        written = write_contracts(args.root, allow_incompatible=args.allow_incompatible)
    except contracts.IncompatibleContract as e:
        print(f"Incompatible change of a published contract:\n{e}", file=sys.stderr)
        return 1
    print(
        f"wrote {len(written) - 1} schemas and {contracts.CONTRACTS_DIR}/{contracts.ASYNCAPI_FILE}"
    )
    committed = contracts.committed_schemas(args.root)
    for line in versions_report(committed):
        print(line)
    for ce_type in contracts.orphaned_types(committed, generated_schemas()):
        print(f"warning: {ce_type} is published but no event class produces it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
