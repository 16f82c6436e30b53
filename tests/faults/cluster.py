"""A private PostgreSQL cluster, Kafka broker and the platform's processes for fault
injection: started with the project's own scripts and entry points on free ports in a fresh
run directory, killed with SIGKILL by PID only, and started again. Never touches the shared
PostgreSQL (5432) or Kafka (9092)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).parents[2]
SCRIPTS = REPO / "deploy" / "scripts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: object, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not within {timeout} s")
        time.sleep(0.2)  # polling a process outside the test: not a test of asynchrony


@dataclass
class Cluster:
    """PostgreSQL and Kafka of one fault run, in `run_dir`."""

    run_dir: Path
    pg_port: int = field(default_factory=free_port)
    kafka_port: int = field(default_factory=free_port)
    controller_port: int = field(default_factory=free_port)

    @classmethod
    def create(cls) -> Cluster:
        # Under /tmp and world-readable: the postgres OS user must reach its data dir.
        run_dir = Path(tempfile.mkdtemp(prefix="inburgering-faults-", dir="/tmp"))
        run_dir.chmod(0o755)
        return cls(run_dir)

    @property
    def database_url(self) -> str:
        return f"postgresql://inburgering:inburgering@127.0.0.1:{self.pg_port}/inburgering"

    @property
    def kafka_bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    def script(self, name: str, command: str) -> str:
        """Run one of deploy/scripts for this cluster; its standard output."""
        env = os.environ | {
            "RUN_DIR": str(self.run_dir),
            "PGPORT": str(self.pg_port),
            "KAFKA_PORT": str(self.kafka_port),
            "KAFKA_CONTROLLER_PORT": str(self.controller_port),
        }
        done = subprocess.run(
            ["bash", str(SCRIPTS / name), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{name} {command} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_postgres(self) -> None:
        self.script("postgres.sh", "up")

    def start_kafka(self) -> None:
        self.script("kafka.sh", "up")

    def kafka_pid(self) -> int:
        return int((self.run_dir / "kafka" / "kafka.pid").read_text().strip())

    def postgres_pid(self) -> int:
        pid_file = self.run_dir / "postgres" / "data" / "postmaster.pid"
        return int(pid_file.read_text().splitlines()[0])

    def kill_kafka(self) -> None:
        kill_tree(self.kafka_pid())

    def kill_postgres(self) -> None:
        """SIGKILL to the postmaster and its backends, as a machine crash would."""
        kill_tree(self.postgres_pid())

    def stop(self) -> None:
        """Both down, by the pids of this run only."""
        for read in (self.kafka_pid, self.postgres_pid):
            try:
                pid = read()
            except (OSError, ValueError, IndexError):
                continue
            kill_tree(pid)


def kill_tree(pid: int) -> None:
    """SIGKILL a process and the children it had, by PID, and reap them."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    children = parent.children(recursive=True)
    for process in [parent, *children]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGKILL)
    psutil.wait_procs([parent, *children], timeout=30)


@dataclass
class Service:
    """One platform process (uvicorn or a worker), restartable."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, *self.argv],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM (a clean stop) and wait; SIGKILL if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None
