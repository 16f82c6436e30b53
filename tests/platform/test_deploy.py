"""deploy/: the production compose file parses, and the local scripts fail clearly."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.faults.cluster import Cluster

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "deploy" / "compose.yaml"
SECRETS = {
    "JWT_SECRET": "x" * 32,
    "BSN_INDEX_SLEUTEL": "y" * 32,
    "PSEUDONYM_KEY": "z" * 32,
    "LOGBOEK_SLEUTEL": "l" * 32,
    "POSTGRES_PASSWORD": "pw",
    "APP_DB_PASSWORD": "pw",
    "GEMEENTEN": "GM0222,GM0197",
}


def compose_cli_available() -> bool:
    if shutil.which("docker") is None:
        return False
    result = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    return result.returncode == 0


def test_compose_describes_three_kraft_brokers_postgres_and_the_services() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    brokers = [name for name in services if name.startswith("kafka-")]
    assert len(brokers) == 3
    for name in brokers:
        env = services[name]["environment"]
        assert "controller" in env["KAFKA_PROCESS_ROLES"]
    assert services["postgres"]["image"].startswith("postgres:")
    for name in ("intake", "pip", "ontzorging", "projections"):
        command = services[name]["command"]
        assert f"services.{name}.main:create_app" in command
        assert "--factory" in command
        assert services[f"{name}-worker"]["command"][-1] == f"services.{name}.worker"


def test_compose_config_parses_with_the_docker_cli_and_requires_the_secrets() -> None:
    """`docker compose config` needs no engine; it runs where the compose CLI plugin is
    installed (this machine and CI). Elsewhere the structural test above still runs."""
    if not compose_cli_available():
        pytest.skip("docker compose CLI plugin not installed; structural check ran instead")
    env = os.environ | SECRETS
    ok = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    without_secret = {k: v for k, v in env.items() if k != "JWT_SECRET"}
    refused = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        env=without_secret,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "JWT_SECRET" in refused.stderr


def path_without(tmp_path: Path, *missing: str) -> str:
    """A PATH with every tool of this machine except `missing`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for tool in os.listdir(directory):
            link = bin_dir / tool
            if tool not in missing and not link.exists():
                link.symlink_to(Path(directory) / tool)
    return str(bin_dir)


def test_kafka_script_names_the_missing_java(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(REPO / "deploy/scripts/kafka.sh"), "up"],
        env={"PATH": path_without(tmp_path, "java"), "RUN_DIR": str(tmp_path / "run")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "'java' not found" in result.stderr


def test_starting_the_services_while_they_run_changes_nothing() -> None:
    """`make services-up` twice: the second run finds both answering and starts nothing.
    On a cluster of its own (free ports, its own run dir), so it runs wherever the
    scripts can start PostgreSQL and Kafka, whatever else serves the other tests."""
    cluster = Cluster.create()
    try:
        cluster.start_postgres()
        cluster.start_kafka()
        pids = (cluster.postgres_pid(), cluster.kafka_pid())
        for script in ("postgres.sh", "kafka.sh"):
            assert "already running" in cluster.script(script, "up")
        assert (cluster.postgres_pid(), cluster.kafka_pid()) == pids
    finally:
        cluster.stop()
        shutil.rmtree(cluster.run_dir, ignore_errors=True)


def test_the_production_environment_of_compose_is_accepted_and_needs_every_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What compose gives the services loads into their settings; a missing secret is
    refused with its name, never replaced by the development default."""
    from pydantic import ValidationError

    from services.intake.config import IntakeSettings

    compose = yaml.safe_load(COMPOSE.read_text())
    environment = compose["x-platform"]["environment"]
    for key in list(os.environ):
        if key.isupper() and key in {*environment, "DATA_DIR", "DATABASE_SCHEMA"}:
            monkeypatch.delenv(key)
    for key, value in environment.items():
        for name, secret in SECRETS.items():
            value = str(value).replace(f"${{{name}:?set {name}}}", secret)
        monkeypatch.setenv(key, value)
    settings = IntakeSettings()
    assert settings.environment == "production"
    assert settings.jwt_secret is not None
    assert settings.jwt_secret.get_secret_value() == SECRETS["JWT_SECRET"]
    assert settings.gemeenten == ["GM0222", "GM0197"]
    for secret in (
        "JWT_SECRET",
        "BSN_INDEX_SLEUTEL",
        "PSEUDONYM_KEY",
        "LOGBOEK_SLEUTEL",
        "GEMEENTEN",
    ):
        with monkeypatch.context() as m:
            m.delenv(secret)
            with pytest.raises(ValidationError, match=secret):
                IntakeSettings()


def test_every_setting_is_documented_in_env_example() -> None:
    """Configuration is declared once (pydantic-settings) and every variable is documented."""
    from services.duo.config import DuoSettings
    from services.intake.config import IntakeSettings
    from services.ontzorging.config import OntzorgingSettings
    from services.pip.config import PipSettings
    from services.projections.config import ProjectionsSettings

    documented = (REPO / ".env.example").read_text()
    services = (IntakeSettings, PipSettings, OntzorgingSettings, ProjectionsSettings, DuoSettings)
    for settings in services:
        for name, field in settings.model_fields.items():
            assert f"{name.upper()}=" in documented, f"{name.upper()} is not in .env.example"
            assert field.description, f"{settings.__name__}.{name} has no description"
