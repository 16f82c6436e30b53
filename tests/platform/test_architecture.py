"""The layers are enforced: `make lint` runs import-linter with the contracts in
`.importlinter`, and a forbidden import planted in a copy of the tree breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "shared", "services", "bench", "tests")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / ".importlinter")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def copy_of_the_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.yml", "*.md", "node_modules"),
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def plant(path: Path, line: str) -> None:
    path.write_text(path.read_text("utf-8") + f"\n{line}\n", "utf-8")


def test_the_tree_as_it_is_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_a_service_importing_another_service_breaks_the_independence_contract(
    copy_of_the_tree: Path,
) -> None:
    plant(copy_of_the_tree / "services/pip/application.py", "import services.intake.application")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "No service imports another service BROKEN" in result.stdout
    assert "services.pip is not allowed to import services.intake" in result.stdout


def test_a_rule_importing_psycopg_breaks_the_kernel_contract(copy_of_the_tree: Path) -> None:
    plant(copy_of_the_tree / "services/pip/rules.py", "import psycopg")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "import no infrastructure BROKEN" in result.stdout
    assert "services.pip.rules is not allowed to import psycopg" in result.stdout


def test_a_domain_model_reaching_infrastructure_indirectly_breaks_the_kernel_contract(
    copy_of_the_tree: Path,
) -> None:
    plant(copy_of_the_tree / "shared/domain.py", "import shared.sqlstore")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "shared.domain is not allowed to import shared.sqlstore" in result.stdout


def test_an_import_circle_breaks_the_acyclic_contract(copy_of_the_tree: Path) -> None:
    # shared.cloudevents is imported by shared.relay; planting the way back closes a circle.
    plant(copy_of_the_tree / "shared/cloudevents.py", "import shared.relay")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "No import circles BROKEN" in result.stdout


def test_importing_the_tests_breaks_the_contract(copy_of_the_tree: Path) -> None:
    plant(copy_of_the_tree / "bench/common.py", "import tests.conftest")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "Nothing imports tests BROKEN" in result.stdout


def test_the_platform_importing_a_service_breaks_the_layers(copy_of_the_tree: Path) -> None:
    plant(copy_of_the_tree / "shared/relay.py", "import services.pip.domainmodel")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert "Layers: bench above services above shared above contracts BROKEN" in result.stdout
