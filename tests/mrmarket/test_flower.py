"""Flower as `make run` starts it (the Procfile's `flower` line) on the embedded default's
filesystem broker: it asks for its login, sees the workers, changes nothing, and once it is
gone the broker holds nothing more than before (no event files piling up for a consumer
that left)."""

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
LOGIN = ("watcher", "not-the-demo-one")
WORKER = "loop@flower-test"


def procfile_command(name: str, *, port: int) -> list[str]:
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(f"{name}:")
    )
    words = shlex.split(line.split(":", 1)[1].replace("--port=5555", f"--port={port}"))
    assert words[0] == "celery" and f"--port={port}" in words
    return [sys.executable, "-m", *words]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_env(var_dir: Path) -> dict[str, str]:
    """The embedded default in a var dir of its own: SQLite and the filesystem broker."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "DATABASE_URL") and not key.startswith("FLOWER_")
    }
    return env | {"DEBUG": "true", "MRMARKET_VAR_DIR": str(var_dir)}


def start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def broker_files(var_dir: Path) -> list[str]:
    return sorted(
        str(path.relative_to(var_dir)) for path in (var_dir / "broker").rglob("*") if path.is_file()
    )


def test_flower_asks_for_its_login_sees_the_workers_and_leaves_nothing_growing(tmp_path):
    env = embedded_env(tmp_path)
    port = free_port()
    worker = start(
        # Heartbeats and gossip on, as the Procfile's workers run.
        [sys.executable, "-m", "celery", "-A", "mrmarket", "worker", "--hostname", WORKER]
        + ["--queues", "loop", "--pool", "solo", "--loglevel", "INFO"],
        env=env,
        log=tmp_path / "worker.log",
    )
    flower = start(
        procfile_command("flower", port=port),
        env=env | {"FLOWER_BASIC_AUTH": ":".join(LOGIN)},
        log=tmp_path / "flower.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        workers: dict = {}
        # Flower fills a worker's entry from several inspect replies; it can list the worker
        # before the active_queues reply has come back.
        while "active_queues" not in workers.get(WORKER, {}):
            assert time.monotonic() < deadline, (tmp_path / "flower.log").read_text()[-3000:]
            assert flower.poll() is None, (tmp_path / "flower.log").read_text()[-3000:]
            time.sleep(1)
            try:
                answer = httpx.get(f"{url}/api/workers?refresh=1", auth=LOGIN, timeout=10)
            except httpx.TransportError:
                continue
            assert answer.status_code == 200
            workers = answer.json()
        assert "loop" in {q["name"] for q in workers[WORKER]["active_queues"]}
        assert httpx.get(f"{url}/api/workers", timeout=10).status_code == 401
        assert httpx.get(f"{url}/", auth=("watcher", "wrong"), timeout=10).status_code == 401
        assert httpx.get(f"{url}/", auth=LOGIN, timeout=10).status_code == 200
        assert httpx.get(f"{url}/workers", auth=LOGIN, timeout=10).status_code == 200
        # Watch-only: no task is run and no worker stopped through Flower.
        for action in (
            "task/async-apply/orders.tasks.reconcile_orders",
            f"worker/shutdown/{WORKER}",
        ):
            assert httpx.post(f"{url}/api/{action}", auth=LOGIN, timeout=10).status_code == 404

        # Gone without a chance to clean up, the hardest case; the worker keeps running.
        flower.send_signal(signal.SIGKILL)
        flower.wait(timeout=10)
        time.sleep(2)  # replies to Flower's last questions land
        before = broker_files(tmp_path)
        time.sleep(8)  # four heartbeats of the worker, each a file per bound event queue
        assert worker.poll() is None
        assert broker_files(tmp_path) == before
        assert not [name for name in before if "celeryev" in name and name.endswith(".msg")]
    finally:
        for process in (flower, worker):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)


@pytest.mark.django_db
def test_demo_setup_prints_the_flower_login_once(settings, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("FLOWER_BASIC_AUTH", raising=False)
    settings.FLOWER_DEMO_LOGIN_FILE = tmp_path / "flower_login"
    call_command("demo_setup")
    first = capsys.readouterr().out
    login = settings.FLOWER_DEMO_LOGIN_FILE.read_text()
    user, password = login.split(":")
    assert user == "flower" and f"password: {password}" in first
    assert settings.FLOWER_DEMO_LOGIN_FILE.stat().st_mode & 0o077 == 0
    call_command("demo_setup")
    again = capsys.readouterr().out
    assert password not in again and "Demo Flower login exists" in again
    assert settings.FLOWER_DEMO_LOGIN_FILE.read_text() == login
