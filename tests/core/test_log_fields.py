"""Every JSON log line carries the fixed field set where it applies (docs/operations.md):
trace_id, order_id, job_id, exchange, chain_id, campaign_id, version, in that order.

In process for the formatter and a task run through the Celery machinery (`apply`), and
with a real worker on Redis and PostgreSQL for the line a worker writes."""

import io
import json
import logging
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from core import context
from core.logs import JsonFormatter
from mrmarket.celery import app as celery_app
from orders import tasks as order_tasks
from orders.states import OrderState
from tests.conftest import database_env_for_subprocess, requires_postgres, requires_redis
from tests.orders.factories import MarketMakingOrderFactory
from tests.orders.loop.workers import EVERY_QUEUE

ROOT = Path(__file__).resolve().parents[2]
TRACE_ID = "trace-log-fields-0001"


@pytest.fixture
def json_lines():
    """The root logger's lines as the JSON formatter writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def fixed_fields(record: dict) -> list[str]:
    return [key for key in record if key in context.LOG_FIELDS]


def test_a_line_outside_any_work_has_only_the_version(json_lines):
    logging.getLogger("test").warning("idle")
    (record,) = json_lines()
    assert fixed_fields(record) == ["version"]
    assert record["version"] == settings.MRMARKET_VERSION


def test_fields_come_in_one_order_and_extra_wins(json_lines):
    with context.bound(campaign_id="c-1", trace_id="trace-order-0001", chain_id="chain-9"):
        logging.getLogger("test").info("x", extra={"order_id": "o-1", "exchange": "venue"})
    (record,) = json_lines()
    assert fixed_fields(record) == [
        "trace_id", "order_id", "exchange", "chain_id", "campaign_id", "version",
    ]  # fmt: skip
    assert list(record)[:4] == ["ts", "level", "logger", "message"]


@pytest.fixture
def confirmed_order(presets_seeded):
    return MarketMakingOrderFactory(state=OrderState.DEPOSIT_CONFIRMED)


def test_a_task_on_an_order_logs_its_order_trace_job_and_exchange(confirmed_order, json_lines):
    result = order_tasks.start_mm.apply(
        kwargs={"order_id": str(confirmed_order.pk), "trace_id": TRACE_ID}
    )
    assert result.get() == "done"
    moved = [r for r in json_lines() if r["message"] == "order moved"]
    assert moved, "start_mm moved the order"
    record = moved[0]
    assert record["trace_id"] == TRACE_ID
    assert record["order_id"] == str(confirmed_order.pk)
    assert record["job_id"] == result.id
    assert record["exchange"] == confirmed_order.pair.exchange.name
    assert record["job"] == "orders.tasks.start_mm"
    assert fixed_fields(record) == ["trace_id", "order_id", "job_id", "exchange", "version"]


def read_lines(stream, sink: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        sink.put(line)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_line_on_an_order_carries_order_id_and_trace_id(presets_seeded):
    order = MarketMakingOrderFactory(state=OrderState.DEPOSIT_CONFIRMED)
    celery_app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mrmarket", "worker", "--queues", EVERY_QUEUE,
         "--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=ROOT,
        env=database_env_for_subprocess() | {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(worker.stdout, lines), daemon=True).start()
    try:
        sent = order_tasks.start_mm.delay(order_id=str(order.pk), trace_id=TRACE_ID)
        record = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and record is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line.startswith("{") and json.loads(line).get("message") == "order moved":
                record = json.loads(line)
        assert record is not None, "the worker never moved the order"
        assert (record["order_id"], record["trace_id"]) == (str(order.pk), TRACE_ID)
        assert record["job_id"] == sent.id
        assert record["exchange"] == order.pair.exchange.name
        assert record["version"] == settings.MRMARKET_VERSION
    finally:
        worker.terminate()
        worker.wait(timeout=20)
