"""A real worker on the embedded default's broker (kombu's filesystem transport) drops the
beat runs it reaches late instead of running them, and picks a funds-loop job up within a
fraction of a second (issue 11: jobs reached the worker 20-75 s after they were sent)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from mrmarket.celery import app as celery_app
from mrmarket.filesystem_broker import TRANSPORT, filesystem_broker_options
from mrmarket.schedule import PERIODIC_JOBS
from tests.orders.loop.workers import EVERY_QUEUE, wait_for

ROOT = Path(__file__).resolve().parents[2]
POLL = next(job for job in PERIODIC_JOBS if job.task == "wallet.tasks.poll_mixin_snapshots")
LATE_RUNS = 50


def queued(folder: Path, queue: str) -> list[Path]:
    return list(folder.glob(f"*.{queue}.msg"))


def test_a_worker_drops_late_beat_runs_and_picks_a_loop_job_up_at_once(tmp_path):
    options = filesystem_broker_options(tmp_path / "broker")
    folder = Path(str(options["data_folder_in"]))
    with celery_app.connection_for_write(
        url="filesystem://", transport=TRANSPORT, transport_options=options
    ) as connection:
        # Beat sent these while the worker was busy: each run expires when the next is sent.
        for _ in range(LATE_RUNS):
            celery_app.send_task(
                POLL.task, kwargs={}, expires=POLL.expire_seconds, connection=connection
            )
        assert len(queued(folder, "intake")) == LATE_RUNS
        time.sleep(POLL.expire_seconds + 0.2)

        log_path = tmp_path / "worker.log"
        with open(log_path, "w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "mrmarket", "worker", "--queues"]
                + [EVERY_QUEUE, "--pool", "solo", "--without-gossip", "--without-mingle"]
                + ["--loglevel", "INFO"],
                cwd=ROOT,
                env=dict(os.environ)
                | {
                    "CELERY_BROKER_URL": "filesystem://",
                    "MRMARKET_VAR_DIR": str(tmp_path),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                    "DEBUG": "true",
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(lambda: "ready" in log_path.read_text(), timeout=60, what="the worker")
            wait_for(lambda: not queued(folder, "intake"), timeout=10, what="the late runs")

            # An idle worker: a loop job leaves the queue well inside kombu's default poll.
            waits = []
            for _ in range(5):
                sent = time.monotonic()
                celery_app.send_task(
                    "orders.tasks.reconcile_orders", kwargs={}, connection=connection
                )
                wait_for(lambda: not queued(folder, "loop"), timeout=5, interval=0.01)
                waits.append(time.monotonic() - sent)
                time.sleep(0.3)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    log_text = log_path.read_text()
    assert log_text.count(f"Discarding revoked task: {POLL.task}[") == LATE_RUNS
    assert not re.search(rf"{re.escape(POLL.task)}\[[^]]*\] (succeeded|raised|retry)", log_text)
    assert max(waits) < 0.5, waits
