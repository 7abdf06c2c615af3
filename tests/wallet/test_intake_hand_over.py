"""How intake hands incoming snapshots to the order flow, and how it hears back."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.conftest import requires_redis
from wallet.models import MixinSnapshot
from wallet.services.intake import (
    PAYMENT_SNAPSHOT_TASK,
    snapshot_mark_processed,
    snapshot_record,
    snapshots_dispatch_lost,
    snapshots_redispatch,
)


def snapshot_item(amount: str, **fields: str) -> dict:
    return {
        "snapshot_id": str(uuid.uuid4()),
        "asset_id": str(uuid.uuid4()),
        "amount": amount,
        "created_at": "2025-05-01T10:00:00.123456789Z",
        "request_id": "trace-of-the-payer-1",
        **fields,
    }


@pytest.mark.django_db(transaction=True)
def test_the_order_flow_marks_a_snapshot_processed_once(sent_tasks):
    snapshot, _ = snapshot_record(item=snapshot_item("2"))
    assert snapshot_mark_processed(snapshot_id=snapshot.snapshot_id, note="credited") is True
    assert snapshot_mark_processed(snapshot_id=snapshot.snapshot_id, note="again") is False
    snapshot.refresh_from_db()
    assert snapshot.processing_state == MixinSnapshot.ProcessingState.PROCESSED
    assert snapshot.processing_note == "credited"
    assert snapshot.processed_at is not None
    assert snapshot.trace_id == "trace-of-the-payer-1"
    assert snapshot.created_at_text == "2025-05-01T10:00:00.123456789Z"


@pytest.mark.django_db(transaction=True)
def test_a_zero_amount_snapshot_is_kept_but_not_handed_over(sent_tasks):
    snapshot, created = snapshot_record(item=snapshot_item("0"))
    assert created
    assert snapshot.processing_state == MixinSnapshot.ProcessingState.IGNORED
    assert sent_tasks == []


@pytest.mark.django_db(transaction=True)
def test_a_lost_hand_over_is_sent_again_later(monkeypatch, sent_tasks):
    from mrmarket.celery import app as celery_app

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    snapshot_record(item=snapshot_item("1"))  # the broker outage does not stop intake
    snapshot = MixinSnapshot.objects.get()
    assert snapshot.processing_state == MixinSnapshot.ProcessingState.RECORDED

    monkeypatch.setattr(
        celery_app, "send_task", lambda name, kwargs=None, **_: sent_tasks.append((name, kwargs))
    )
    assert snapshots_redispatch() == 0  # too recent to be called lost
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        assert snapshots_redispatch() == 1
    assert sent_tasks == [
        (
            PAYMENT_SNAPSHOT_TASK,
            {"snapshot_id": str(snapshot.snapshot_id), "trace_id": snapshot.trace_id},
        )
    ]
    snapshot.refresh_from_db()
    assert snapshot.processing_state == MixinSnapshot.ProcessingState.DISPATCHED


@pytest.mark.django_db(transaction=True)
def test_a_hand_over_whose_worker_died_is_sent_again_by_reconcile(sent_tasks):
    """Found by the chaos soak: a worker killed while booking a payment took its task with
    it (acknowledged on start); the snapshot stayed `dispatched` and its order waited for
    good. Reconcile hands such a snapshot over again; booking it twice is a no-op."""
    from orders.services.reconcile import reconcile_run

    snapshot, _ = snapshot_record(item=snapshot_item("1"))
    assert MixinSnapshot.objects.get().processing_state == MixinSnapshot.ProcessingState.DISPATCHED
    sent_tasks.clear()
    assert snapshots_dispatch_lost(older_than=timedelta(seconds=60)) == 0  # may still be queued
    assert reconcile_run().snapshots_resent == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert reconcile_run().snapshots_resent == 1
    hand_over = (
        PAYMENT_SNAPSHOT_TASK,
        {"snapshot_id": str(snapshot.snapshot_id), "trace_id": snapshot.trace_id},
    )
    assert sent_tasks == [hand_over]
    snapshot_mark_processed(snapshot_id=snapshot.snapshot_id, note="booked")
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert snapshots_dispatch_lost(older_than=timedelta(seconds=60)) == 0


@requires_redis
@pytest.mark.django_db(transaction=True)
def test_the_hand_over_is_a_task_message_on_the_broker_named_for_the_orders_app():
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    # The funds loop's queue: no route sends the hand-over elsewhere.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert PAYMENT_SNAPSHOT_TASK not in settings.CELERY_TASK_ROUTES
    broker.delete(queue)
    snapshot, _ = snapshot_record(item=snapshot_item("3"))

    (raw,) = broker.lrange(queue, 0, -1)
    message = json.loads(raw)
    assert message["headers"]["task"] == PAYMENT_SNAPSHOT_TASK
    args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
    assert args == []
    assert kwargs == {"snapshot_id": str(snapshot.snapshot_id), "trace_id": snapshot.trace_id}
    broker.delete(queue)
