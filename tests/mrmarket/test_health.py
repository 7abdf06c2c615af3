"""/healthz: 503 naming what is down; 200 with `degraded` naming each source and its figure
when the broker's queues back up or the beat falls silent; 200 ok otherwise."""

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu import Connection

from tests.conftest import requires_redis


def test_healthz_is_200_when_database_and_broker_answer(client, db, settings):
    # Messages other tests left on the shared broker are not what this test is about.
    settings.HEALTH_BROKER_BACKLOG_MESSAGES = 10**9
    settings.HEALTH_BROKER_OLDEST_MESSAGE_SECONDS = 10**9
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_healthz_is_503_naming_the_broker_when_it_is_down(client, db, settings):
    # Nothing listens on port 1: the broker is down.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["broker"]
    assert body["checks"]["database"]["ok"] is True


@pytest.fixture
def filesystem_broker(settings, tmp_path):
    """An empty filesystem broker of this test's own, as settings.py configures one."""
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path),
    }
    return tmp_path


def publish(count: int, *, queue: str) -> None:
    """Send `count` messages to `queue` the way a producer does, through the transport."""
    from django.conf import settings

    with Connection(
        settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
    ) as conn:
        producer = conn.Producer()
        for n in range(count):
            producer.publish({"n": n}, exchange="", routing_key=queue, serializer="json")


@pytest.fixture
def beat_job(db):
    """The beat's one-second job as setup_periodic_tasks writes it, last run `ago`."""
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    job = PeriodicTask.objects.create(
        name="Poll Mixin snapshots (payment intake)",
        task="wallet.tasks.poll_mixin_snapshots",
        interval=every_second,
    )

    def ran(ago: timedelta | None) -> None:
        last = None if ago is None else timezone.now() - ago
        PeriodicTask.objects.filter(pk=job.pk).update(last_run_at=last)

    return ran


def healthz(client) -> dict:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    return body


def test_healthy_broker_and_beat_read_ok(client, filesystem_broker, beat_job, settings):
    settings.CELERY_BEAT_SYNC_EVERY = 1
    beat_job(timedelta(seconds=1))
    publish(3, queue="celery")  # a few fresh messages are normal

    body = healthz(client)
    assert body["status"] == "ok", body
    assert body["degraded"] == []
    assert body["checks"]["broker_backlog"]["queues"]["celery"]["messages"] == 3
    assert body["checks"]["beat"]["silent_seconds"] < 30


@pytest.mark.parametrize(
    ("count", "age_seconds"), [(3, 60), (50, 0)], ids=["stale-messages", "many-messages"]
)
def test_filesystem_backlog_reads_degraded(client, db, filesystem_broker, count, age_seconds):
    publish(count, queue="celery")
    long_ago = time.time() - age_seconds
    for message in filesystem_broker.glob("*.celery.msg"):
        os.utime(message, (long_ago, long_ago))

    body = healthz(client)
    assert body["status"] == "degraded"
    [item] = body["degraded"]
    assert item["source"] == "broker_backlog" and item["queue"] == "celery"
    assert item["messages"] == count
    assert item["oldest_age_seconds"] >= age_seconds


def test_backlog_is_counted_on_the_queues_the_settings_route_to(
    client, db, filesystem_broker, settings
):
    settings.CELERY_TASK_DEFAULT_QUEUE = "intake"
    settings.CELERY_TASK_ROUTES = {"executor.tasks.*": {"queue": "ticks"}}
    publish(50, queue="ticks")

    body = healthz(client)
    queues = body["checks"]["broker_backlog"]["queues"]
    assert queues["intake"]["messages"] == 0 and queues["ticks"]["messages"] == 50
    assert [(i["source"], i["queue"]) for i in body["degraded"]] == [("broker_backlog", "ticks")]


@requires_redis
@pytest.mark.redis
def test_redis_queue_with_messages_reads_degraded(client, db, settings):
    queue = f"healthz-test-{uuid.uuid4()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    publish(50, queue=queue)
    try:
        body = healthz(client)
    finally:
        with Connection(settings.CELERY_BROKER_URL) as conn:
            conn.default_channel.client.delete(queue)
    assert body["status"] == "degraded"
    assert body["degraded"] == [{"source": "broker_backlog", "queue": queue, "messages": 50}]


@pytest.mark.parametrize("ago", [timedelta(seconds=45), None], ids=["silent", "never-ran"])
def test_stale_beat_reads_degraded(client, filesystem_broker, beat_job, settings, ago):
    settings.CELERY_BEAT_SYNC_EVERY = 1
    beat_job(ago)

    body = healthz(client)
    assert body["status"] == "degraded"
    [item] = body["degraded"]
    assert item["source"] == "beat" and item["limit_seconds"] == 30
    if ago is None:
        assert item["silent_seconds"] is None
    else:
        assert 43 <= item["silent_seconds"] <= 46


def test_beat_writing_only_every_three_minutes_is_allowed_for(
    client, filesystem_broker, beat_job, settings
):
    # Without CELERY_BEAT_SYNC_EVERY the beat writes last_run_at every 180 s.
    settings.CELERY_BEAT_SYNC_EVERY = 0
    beat_job(timedelta(seconds=120))
    assert healthz(client)["status"] == "ok"
    beat_job(timedelta(seconds=240))
    assert healthz(client)["degraded"][0]["source"] == "beat"


def test_down_stays_503_when_also_degraded(client, db, beat_job, settings):
    settings.CELERY_BEAT_SYNC_EVERY = 1
    beat_job(timedelta(minutes=5))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down" and body["down"] == ["broker"]
    assert [i["source"] for i in body["degraded"]] == ["beat"]


def test_a_check_that_hangs_is_cut_at_the_timeout(
    client, db, filesystem_broker, settings, monkeypatch
):
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 1
    monkeypatch.setattr("mrmarket.health._filesystem_backlog", lambda *args: time.sleep(3) or {})

    started = time.monotonic()
    body = healthz(client)
    assert time.monotonic() - started < 2.5
    assert body["degraded"] == [{"source": "broker_backlog", "error": "timed out after 1 s"}]
