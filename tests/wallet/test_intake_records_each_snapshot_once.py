"""Payment intake sees every snapshot once: across page boundaries, reruns and overlaps."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import requires_postgres
from wallet.client import MixinClient
from wallet.invoices import InvoiceLeg, market_making_invoice
from wallet.memo import snapshot_memo_decode
from wallet.models import MixinSnapshot, SnapshotCursor
from wallet.services.intake import PAYMENT_SNAPSHOT_TASK, snapshots_poll
from wallet.tasks import poll_mixin_snapshots

CHAIN = str(uuid.uuid4())


def deposit(mixin, mixin_sim, amount: str) -> str:
    address = mixin.deposit_entries(chain_id=CHAIN)[0]["destination"]
    answer = mixin_sim.control(
        "POST",
        "/_sim/chain/incoming",
        {"chain_id": CHAIN, "address": address, "amount": amount, "tx_hash": uuid.uuid4().hex},
    )
    return answer["snapshot_id"]


def pay_order_invoice(mixin_sim, order_id: uuid.UUID) -> list[str]:
    """A user pays a two-asset order invoice on the simulator: two snapshots to the bot."""
    base, quote = uuid.uuid4(), uuid.uuid4()
    payer = mixin_sim.user("Payer", **{str(base): "10", str(quote): "500"})
    invoice = market_making_invoice(
        pair_id=uuid.uuid4(),
        order_id=order_id,
        legs=[
            InvoiceLeg(asset_id=base, amount=Decimal("1.5"), trace_id=uuid.uuid4()),
            InvoiceLeg(asset_id=quote, amount=Decimal("300"), trace_id=uuid.uuid4()),
        ],
    )
    return mixin_sim.pay(payer, invoice.pay_url())


@pytest.mark.django_db(transaction=True)
def test_a_payment_on_the_page_boundary_is_recorded_and_handed_over_once(
    wallet_settings, mixin, mixin_sim, sent_tasks
):
    order_id = uuid.uuid4()
    before = deposit(mixin, mixin_sim, "1")
    paid = pay_order_invoice(mixin_sim, order_id)
    after = deposit(mixin, mixin_sim, "3")

    result = snapshots_poll(client=mixin, page_limit=2)

    assert result.new == 4
    assert result.pages == 4  # each page boundary falls on a snapshot seen again
    recorded = list(MixinSnapshot.objects.values_list("snapshot_id", flat=True))
    assert sorted(map(str, recorded)) == sorted([before, *paid, after])
    handed_over = [kwargs["snapshot_id"] for name, kwargs in sent_tasks]
    assert sorted(handed_over) == sorted([before, *paid, after])
    assert all(name == PAYMENT_SNAPSHOT_TASK for name, _ in sent_tasks)
    assert set(MixinSnapshot.objects.values_list("processing_state", flat=True)) == {
        MixinSnapshot.ProcessingState.DISPATCHED
    }
    for snapshot in MixinSnapshot.objects.filter(snapshot_id__in=paid):
        assert snapshot_memo_decode(snapshot.memo).order_id == order_id
        assert snapshot.trace_id == snapshot.request_id


@pytest.mark.django_db(transaction=True)
def test_the_beat_job_polls_from_the_stored_cursor(wallet_settings, mixin_sim, sent_tasks):
    wallet_settings.MIXIN_POLL_WINDOW_MS = 0
    paid = pay_order_invoice(mixin_sim, uuid.uuid4())
    assert poll_mixin_snapshots.apply(kwargs={"trace_id": "test-trace-1"}).get() == 2
    assert poll_mixin_snapshots.apply(kwargs={"trace_id": "test-trace-2"}).get() == 0
    assert sorted(kwargs["snapshot_id"] for _, kwargs in sent_tasks) == sorted(paid)


@pytest.mark.django_db(transaction=True)
def test_a_second_run_finds_nothing_new_and_resumes_from_the_stored_cursor(
    mixin, mixin_sim, sent_tasks
):
    deposit(mixin, mixin_sim, "1")
    assert snapshots_poll(client=mixin).new == 1
    cursor = SnapshotCursor.objects.get()
    assert cursor.offset == mixin_sim.world.snapshots[-1]["created_at"]

    assert snapshots_poll(client=mixin).new == 0
    later = deposit(mixin, mixin_sim, "5")
    assert snapshots_poll(client=mixin).new == 1
    assert [kwargs["snapshot_id"] for _, kwargs in sent_tasks][-1] == later
    assert len(sent_tasks) == 2


@pytest.mark.django_db(transaction=True)
def test_outgoing_snapshots_are_recorded_but_not_handed_to_the_order_flow(
    mixin, mixin_sim, sent_tasks
):
    mixin_sim.world.snapshots.append(
        {
            "type": "snapshot",
            "snapshot_id": str(uuid.uuid4()),
            "user_id": mixin.keystore.app_id,
            "opponent_id": str(uuid.uuid4()),
            "transaction_hash": "ab" * 32,
            "asset_id": CHAIN,
            "kernel_asset_id": "",
            "amount": "-1.5",
            "memo": "",
            "request_id": "",
            "created_at": "2030-01-01T00:00:00.000000001Z",
            "deposit": None,
            "withdrawal": None,
            "_ns": 1_893_456_000_000_000_001,
        }
    )
    assert snapshots_poll(client=mixin).new == 1
    snapshot = MixinSnapshot.objects.get()
    assert snapshot.direction == MixinSnapshot.Direction.OUTGOING
    assert snapshot.processing_state == MixinSnapshot.ProcessingState.IGNORED
    assert sent_tasks == []


class _MeetingClient(MixinClient):
    """The real client, except that two polling runs meet after reading the same page."""

    barrier: threading.Barrier

    def snapshots(self, **kwargs):
        page = super().snapshots(**kwargs)
        if page:
            self.barrier.wait(timeout=10)
        return page


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_hand_each_payment_over_once(
    wallet_settings, keystore, mixin, mixin_sim, sent_tasks
):
    payments = [
        deposit(mixin, mixin_sim, "1"),
        *pay_order_invoice(mixin_sim, uuid.uuid4()),
        *pay_order_invoice(mixin_sim, uuid.uuid4()),
    ]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        client = _MeetingClient(base_url=mixin_sim.url, keystore=keystore, timeout_seconds=5)
        client.barrier = barrier
        try:
            results.append(snapshots_poll(client=client, page_limit=2))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            client.close()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(r.new for r in results) == 5
    assert sorted(kwargs["snapshot_id"] for _, kwargs in sent_tasks) == sorted(payments)
    assert MixinSnapshot.objects.count() == 5
