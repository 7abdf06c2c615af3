"""A payment made before the order expired is booked, however late it is processed: the
payment's own time decides, and the expiry job leaves an order alone while a payment made
in time may still be on its way (not yet polled, or recorded and waiting in the queue)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from ledger.selectors import ledger_violations
from orders.models import MarketMakingOrder, Payout
from orders.services.payments import payment_snapshot_process, payments_expire_due
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order
from tests.orders.loop.test_payments_refused import pay_one
from wallet.client import mixin_client
from wallet.models import MixinSnapshot
from wallet.services.intake import snapshots_poll

pytestmark = pytest.mark.django_db


def record_snapshots() -> list[MixinSnapshot]:
    """The poll job alone: snapshots are recorded, their processing waits in the queue."""
    with mixin_client() as client:
        snapshots_poll(client=client)
    return list(
        MixinSnapshot.objects.filter(processing_state=MixinSnapshot.ProcessingState.RECORDED)
    )


def process(snapshots: list[MixinSnapshot]) -> list[str]:
    return [payment_snapshot_process(snapshot_id=s.snapshot_id) for s in snapshots]


def close_window(order: MarketMakingOrder, *, at) -> None:
    MarketMakingOrder.objects.filter(pk=order.pk).update(expires_at=at)
    order.refresh_from_db()


@pytest.fixture
def order_and_user(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    return MarketMakingOrder.objects.get(pk=body["id"]), user, body["payment"]["url"]


def test_on_time_payment_processed_after_the_expiry_is_booked(world, order_and_user):
    order, user, url = order_and_user
    world.pay(user, url)
    snapshots = record_snapshots()
    # Made two seconds ago; the window closed a second later, before the backlog let the
    # payment be processed.
    MixinSnapshot.objects.update(mixin_created_at=timezone.now() - timedelta(seconds=2))
    close_window(order, at=timezone.now() - timedelta(seconds=1))
    snapshots = record_snapshots()

    assert all(o.startswith("booked: ") for o in process(snapshots))
    order.refresh_from_db()
    assert order.state == "payment_complete"
    assert not Payout.objects.filter(kind=Payout.Kind.REFUND).exists()
    assert ledger_violations() == []


def test_expiry_job_waits_while_an_on_time_payment_is_queued(world, order_and_user):
    order, user, url = order_and_user
    world.pay(user, url)
    snapshots = record_snapshots()
    # Long closed, intake has read past it: only the queued payment keeps the order open.
    close_window(order, at=timezone.now() - timedelta(hours=1))
    MixinSnapshot.objects.update(mixin_created_at=order.expires_at - timedelta(seconds=1))

    assert payments_expire_due() == 0
    order.refresh_from_db()
    assert order.state == "payment_pending"

    assert all(o.startswith("booked: ") for o in process(snapshots))
    order.refresh_from_db()
    assert order.state == "payment_complete"
    assert payments_expire_due() == 0
    assert not Payout.objects.exists()
    assert ledger_violations() == []


def test_expiry_job_waits_for_intake_to_see_a_payment_made_in_time(world, order_and_user):
    order, user, url = order_and_user
    world.pay(user, url)  # made now; intake has not polled yet
    close_window(order, at=timezone.now())

    assert payments_expire_due() == 0  # the payment may still show up
    world.intake()
    order.refresh_from_db()
    assert order.state == "payment_complete"
    assert not Payout.objects.exists()


def test_order_expires_once_intake_has_read_past_its_expiry(
    world, order_and_user, django_user_model
):
    order, _, _ = order_and_user
    close_window(order, at=timezone.now())
    assert payments_expire_due() == 0  # nothing read since: within the grace
    # Someone else's payment made after the expiry moves intake's cursor past it.
    stranger = world.mixin_user(django_user_model, name="Stranger", **{USDT: "10"})
    pay_one(world, stranger, asset_id=USDT, amount="1", memo="not a memo")
    record_snapshots()

    assert payments_expire_due() == 1
    order.refresh_from_db()
    assert order.state == "expired"


def test_order_expires_after_the_grace_when_no_payment_came(world, order_and_user):
    order, _, _ = order_and_user
    close_window(
        order, at=timezone.now() - timedelta(seconds=settings.PAYMENT_EXPIRY_GRACE_SECONDS)
    )
    assert payments_expire_due() == 1
    order.refresh_from_db()
    assert order.state == "expired"


def test_payment_made_after_the_expiry_is_refunded_as_expired(world, order_and_user):
    order, user, url = order_and_user
    close_window(order, at=timezone.now() - timedelta(seconds=1))
    world.pay(user, url)  # made after the window closed; the expiry job has not run yet

    outcomes = process(record_snapshots())
    assert outcomes and set(outcomes) == {"refunded: order_expired"}
    order.refresh_from_db()
    assert order.state == "payment_pending"
    assert ledger_violations() == []
