"""`make run`: the platform starts on the embedded default and answers HTTP where it says."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_embedded_platform_answers_on_the_address_it_prints(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLATFORM_MODE")} | {
        "DATA_DIR": str(tmp_path)
    }
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.embedded", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        printed = ""
        while time.monotonic() < deadline and process.poll() is None:
            printed = Path(log.name).read_text()
            if "Application startup complete" in printed:
                break
            time.sleep(0.2)
        assert process.poll() is None, printed
        assert f"{base}/intake/api/v1/docs" in printed
        token = re.search(r"klantregisseur:\s+(\S+)", printed)
        assert token, printed

        overview = httpx.get(f"{base}/").json()
        assert set(overview["services"]) >= {"intake", "pip", "ontzorging"}
        for name in overview["services"]:
            spec = httpx.get(f"{base}/{name}/api/v1/openapi.json")
            assert spec.status_code == 200
            assert spec.json()["openapi"].startswith("3.")

        found = httpx.post(
            f"{base}/intake/api/v1/inburgeraar-zoekvragen",
            json={"bsn": "111222333"},
            headers={"Authorization": f"Bearer {token.group(1)}"},
        )
        assert found.status_code == 200, found.text
        assert len(found.json()["resultaten"]) == 1, "the demo inburgeraar is seeded"
        assert list(tmp_path.glob("*.sqlite")), "event stores are SQLite files in DATA_DIR"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
