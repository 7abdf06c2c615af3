"""The trace id set in a request appears in the log lines of the Celery task it started,
run by a real worker process on the Redis broker."""

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from mrmarket.celery import app as celery_app
from tests.conftest import database_env_for_subprocess, requires_postgres, requires_redis
from tests.exchanges.factories import ExchangeFactory
from tests.orders.loop.workers import EVERY_QUEUE

ROOT = Path(__file__).resolve().parents[2]
TRACE_ID = "trace-worker-check-0001"


def read_lines(stream, sink: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        sink.put(line)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_trace_id_follows_the_request_into_the_worker(api_admin):
    # Nothing listens on port 9: the validation fails as retryable, after logging.
    exchange = ExchangeFactory(api_base_url="http://127.0.0.1:9")
    celery_app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mrmarket",
            "worker",
            "--queues",
            EVERY_QUEUE,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=database_env_for_subprocess() | {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(worker.stdout, lines), daemon=True).start()
    try:
        response = api_admin.post(
            f"/api/v1/exchanges/{exchange.pk}/api-keys/",
            {"label": "main", "api_key": "pub-key", "secret": "not-logged-secret"},
            format="json",
            headers={"X-Trace-Id": TRACE_ID},
        )
        assert response.status_code == 201
        api_key_id = response.json()["id"]

        task_lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not task_lines:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            assert "not-logged-secret" not in line
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if record.get("message") == "validating exchange API key":
                task_lines.append(record)
        assert task_lines, "the worker never ran the validation task"
        record = task_lines[0]
        assert record["trace_id"] == TRACE_ID
        assert record["job"] == "exchanges.tasks.api_key_validate"
        assert record["api_key_id"] == str(api_key_id)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
