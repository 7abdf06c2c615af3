"""Payment intake: read /safe/snapshots from a durable cursor and record each snapshot once.

Safe to run twice at once without holding a lock across HTTP: a snapshot row is unique on
its snapshot id (the run whose insert wins is the only one that hands it over), and the
cursor only ever moves forward (compare-and-swap on its position). Mixin does not say
whether `offset` is inclusive, so a snapshot on a page boundary may come back on the next
page; the unique id makes that harmless.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app as celery_app
from django.db import transaction
from django.utils import timezone

from core import context, rfc3339
from core.money import to_decimal
from wallet.client import PAGE_LIMIT, MixinClient
from wallet.models import MixinSnapshot, MixinTransfer, SnapshotCursor

logger = logging.getLogger(__name__)

SNAPSHOT_CURSOR_NAME = "safe_snapshots"
# The order flow's task, sent by name so the wallet does not import the orders app.
PAYMENT_SNAPSHOT_TASK = "orders.tasks.process_payment_snapshot"
# An incoming snapshot still `recorded` after this long lost its hand-over (broker down).
REDISPATCH_AFTER = timedelta(seconds=30)


@dataclass
class IntakeResult:
    pages: int = 0
    seen: int = 0
    new: int = 0


def _snapshot_trace_id(item: dict) -> str:
    supplied = str(item.get("request_id") or item.get("trace_id") or "")
    return supplied if context.is_valid_trace_id(supplied) else context.new_trace_id()


def _optional_uuid(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _hand_over_send(snapshot: MixinSnapshot) -> None:
    celery_app.send_task(
        PAYMENT_SNAPSHOT_TASK,
        kwargs={"snapshot_id": str(snapshot.snapshot_id), "trace_id": snapshot.trace_id},
    )


def _incoming_recorded_before(*, state: str, older_than: timedelta):
    return MixinSnapshot.objects.filter(
        direction=MixinSnapshot.Direction.INCOMING,
        processing_state=state,
        recorded_at__lt=timezone.now() - older_than,
    )


def payment_snapshot_dispatch(*, snapshot: MixinSnapshot) -> None:
    """Hand an incoming snapshot to the order flow once the current transaction commits."""

    def send() -> None:
        _hand_over_send(snapshot)
        MixinSnapshot.objects.filter(
            pk=snapshot.pk, processing_state=MixinSnapshot.ProcessingState.RECORDED
        ).update(processing_state=MixinSnapshot.ProcessingState.DISPATCHED)

    # robust: a broker outage must not stop intake; snapshots_redispatch sends it later.
    transaction.on_commit(send, robust=True)


@transaction.atomic
def snapshot_record(*, item: dict) -> tuple[MixinSnapshot, bool]:
    """Store one snapshot from /safe/snapshots; `created` is True for exactly one caller."""
    amount = to_decimal(item["amount"])
    incoming = amount >= 0
    # A zero-amount snapshot moves nothing: kept for the record, not handed over.
    hand_over = amount > 0
    created_at_text = str(item["created_at"])
    state = MixinSnapshot.ProcessingState
    snapshot, created = MixinSnapshot.objects.get_or_create(
        snapshot_id=uuid.UUID(str(item["snapshot_id"])),
        defaults={
            "user_id": _optional_uuid(item.get("user_id")),
            "opponent_id": _optional_uuid(item.get("opponent_id")),
            "transaction_hash": item.get("transaction_hash") or "",
            "asset_id": uuid.UUID(str(item["asset_id"])),
            "kernel_asset_id": item.get("kernel_asset_id") or "",
            "amount": amount,
            "memo": item.get("memo") or "",
            "request_id": str(item.get("request_id") or item.get("trace_id") or "")[:100],
            "created_at_text": created_at_text,
            "mixin_created_at": rfc3339.datetime_from_ns(rfc3339.parse_ns(created_at_text)),
            "deposit": item.get("deposit") or None,
            "withdrawal": item.get("withdrawal") or None,
            "direction": MixinSnapshot.Direction.INCOMING
            if incoming
            else MixinSnapshot.Direction.OUTGOING,
            "processing_state": state.RECORDED if hand_over else state.IGNORED,
            "trace_id": _snapshot_trace_id(item),
        },
    )
    if not created:
        return snapshot, False
    with context.bound(trace_id=snapshot.trace_id):
        logger.info(
            "recorded a Mixin snapshot",
            extra={
                "snapshot_id": str(snapshot.snapshot_id),
                "asset_id": str(snapshot.asset_id),
                "amount": str(snapshot.amount),
                "direction": snapshot.direction,
            },
        )
    if hand_over:
        payment_snapshot_dispatch(snapshot=snapshot)
    elif snapshot.withdrawal and snapshot.withdrawal.get("withdrawal_hash"):
        withdrawal_hash_record(
            kernel_hash=snapshot.transaction_hash,
            withdrawal_hash=str(snapshot.withdrawal["withdrawal_hash"]),
        )
    return snapshot, True


def withdrawal_hash_record(*, kernel_hash: str, withdrawal_hash: str) -> int:
    """Note the chain hash of a withdrawal, once, with the time it became known."""
    return MixinTransfer.objects.filter(
        kernel_hash=kernel_hash, kind=MixinTransfer.Kind.WITHDRAWAL, withdrawal_hash=""
    ).update(withdrawal_hash=withdrawal_hash, withdrawal_hash_at=timezone.now())


def snapshot_cursor_get() -> SnapshotCursor:
    cursor, _ = SnapshotCursor.objects.get_or_create(name=SNAPSHOT_CURSOR_NAME)
    return cursor


def snapshot_cursor_advance(*, offset: str) -> bool:
    """Move the cursor forward to `offset`; False when another run is already past it."""
    position = rfc3339.parse_ns(offset)
    snapshot_cursor_get()
    return bool(
        SnapshotCursor.objects.filter(name=SNAPSHOT_CURSOR_NAME, position_ns__lt=position).update(
            offset=offset, position_ns=position, updated_at=timezone.now()
        )
    )


def snapshots_poll(
    *, client: MixinClient, page_limit: int = PAGE_LIMIT, max_pages: int = 1000
) -> IntakeResult:
    """Read snapshots from the stored cursor until caught up; record and hand over new ones."""
    result = IntakeResult()
    offset = snapshot_cursor_get().offset or None
    while result.pages < max_pages:
        page = client.snapshots(offset=offset, limit=page_limit)
        result.pages += 1
        result.seen += len(page)
        for item in page:
            _, created = snapshot_record(item=item)
            result.new += created
        if not page:
            break
        last = str(page[-1]["created_at"])
        snapshot_cursor_advance(offset=last)
        if len(page) < page_limit:
            break
        if last == offset:
            # A whole page shares one timestamp: the offset cannot move past it.
            logger.warning("a full snapshot page shares one created_at", extra={"offset": last})
            break
        offset = last
    return result


def snapshots_redispatch() -> int:
    """Hand over again incoming snapshots whose hand-over was lost (e.g. broker down)."""
    stale = _incoming_recorded_before(
        state=MixinSnapshot.ProcessingState.RECORDED, older_than=REDISPATCH_AFTER
    )
    count = 0
    for snapshot in stale:
        with transaction.atomic():
            payment_snapshot_dispatch(snapshot=snapshot)
        count += 1
    return count


def snapshots_dispatch_lost(*, older_than: timedelta) -> int:
    """Hand over again incoming snapshots handed over but still unprocessed after
    `older_than`: the worker that took the task died before booking it (a task is
    acknowledged when it starts), so nothing else would ever route the payment. Processing
    is idempotent, so a hand-over that was only slow costs one duplicate message."""
    lost = _incoming_recorded_before(
        state=MixinSnapshot.ProcessingState.DISPATCHED, older_than=older_than
    )
    count = 0
    for snapshot in lost:
        _hand_over_send(snapshot)
        count += 1
    if count:
        logger.warning("payment hand-overs sent again", extra={"snapshots": count})
    return count


@transaction.atomic
def snapshot_mark_processed(*, snapshot_id: uuid.UUID, note: str = "") -> bool:
    """For the order flow: the snapshot was booked or refunded. True the first time only."""
    return bool(
        MixinSnapshot.objects.filter(
            snapshot_id=snapshot_id,
            processing_state__in=[
                MixinSnapshot.ProcessingState.RECORDED,
                MixinSnapshot.ProcessingState.DISPATCHED,
            ],
        ).update(
            processing_state=MixinSnapshot.ProcessingState.PROCESSED,
            processing_note=note[:2000],
            processed_at=timezone.now(),
        )
    )
