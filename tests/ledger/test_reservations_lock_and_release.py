import uuid
from decimal import Decimal

import pytest

from ledger.errors import InsufficientBalance, InvalidPosting
from ledger.selectors import order_balances
from ledger.services import order_account, reservation_lock, reservation_release
from tests.ledger.factories import TRACE_ID, funded

pytestmark = pytest.mark.django_db

ORDER = "a1b2"


@pytest.fixture
def asset():
    asset = uuid.uuid4()
    funded(order_account(order_id=ORDER, asset=asset, purpose="on_exchange"), "100")
    return asset


def test_lock_moves_free_exchange_funds_to_locked_and_release_moves_them_back(asset):
    lock = reservation_lock(
        order_id=ORDER,
        asset=asset,
        amount=Decimal("30"),
        idempotency_key="a1b2:lock:1",
        trace_id=TRACE_ID,
        ref="client-order:a1b2-1",
    )
    locked = order_balances(order_id=ORDER)[asset]
    assert (locked.on_exchange, locked.locked) == (70, 30)
    assert (lock.code, lock.ref) == ("reserve_lock", "client-order:a1b2-1")

    release = reservation_release(
        order_id=ORDER,
        asset=asset,
        amount=Decimal("12.5"),
        idempotency_key="a1b2:release:1",
        trace_id=TRACE_ID,
    )
    released = order_balances(order_id=ORDER)[asset]
    assert (released.on_exchange, released.locked) == (Decimal("82.5"), Decimal("17.5"))
    assert release.code == "reserve_release"


def test_a_repeated_lock_locks_once(asset):
    for _ in range(3):
        reservation_lock(
            order_id=ORDER,
            asset=asset,
            amount=Decimal("30"),
            idempotency_key="a1b2:lock:1",
            trace_id=TRACE_ID,
        )

    assert order_balances(order_id=ORDER)[asset].locked == 30


def test_cannot_lock_more_than_is_free_nor_release_more_than_is_locked(asset):
    with pytest.raises(InsufficientBalance):
        reservation_lock(
            order_id=ORDER,
            asset=asset,
            amount=Decimal("100.01"),
            idempotency_key="l",
            trace_id=TRACE_ID,
        )
    reservation_lock(
        order_id=ORDER, asset=asset, amount=Decimal("10"), idempotency_key="l", trace_id=TRACE_ID
    )
    with pytest.raises(InsufficientBalance):
        reservation_release(
            order_id=ORDER,
            asset=asset,
            amount=Decimal("10.01"),
            idempotency_key="r",
            trace_id=TRACE_ID,
        )


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), 5.0])
def test_a_reservation_amount_is_a_positive_decimal(asset, amount):
    with pytest.raises(InvalidPosting):
        reservation_lock(
            order_id=ORDER, asset=asset, amount=amount, idempotency_key="l", trace_id=TRACE_ID
        )
