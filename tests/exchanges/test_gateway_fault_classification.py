"""Each injected fault reaches the caller as the right gateway error, classified once."""

import time
from decimal import Decimal

import pytest

from core.errors import InDoubtError, RejectedError, RemoteNotFoundError, RetryableError
from tests.exchanges.venue_fixtures import XIN_USDT

ORDER = "/api/v3/order"
ACCOUNT = "/api/v3/account"
WITHDRAW = "/sapi/v1/capital/withdraw/apply"


@pytest.fixture
def trader(xin_usdt, venue_trader, venue_control):
    venue_control.coin_configure(coin="XIN", network="MIXIN", withdraw_fee="0.01")
    trader = venue_trader(timeout_ms=400, XIN="10", USDT="1000")
    trader.gateway.markets()
    return trader


def quote(trader, client_order_id="mm-7-1"):
    return trader.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="buy",
        amount=Decimal("1"),
        price=Decimal("99"),
        client_order_id=client_order_id,
        post_only=True,
    )


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("http_500", "network"), ("rate_limit", "rate_limit"), ("maintenance", "maintenance")],
)
def test_a_failing_read_is_retryable(trader, venue_control, kind, reason):
    venue_control.fault(path=ACCOUNT, method="GET", kind=kind, count=1)
    with pytest.raises(RetryableError) as raised:
        trader.gateway.balances()
    assert raised.value.detail["reason"] == reason
    assert trader.gateway.balances().free("USDT") == 1000  # the fault was used up


def test_a_read_that_times_out_is_retryable(trader, venue_control):
    venue_control.fault(path="/api/v3/depth", method="GET", kind="timeout", delay_ms=900)
    with pytest.raises(RetryableError):
        trader.gateway.order_book(symbol=XIN_USDT)


@pytest.mark.parametrize(
    ("kind", "reason"), [("rate_limit", "rate_limit"), ("maintenance", "maintenance")]
)
def test_a_create_refused_before_the_venue_saw_it_is_retryable(trader, venue_control, kind, reason):
    venue_control.fault(path=ORDER, method="POST", kind=kind)
    with pytest.raises(RetryableError) as raised:
        quote(trader)
    assert raised.value.detail["reason"] == reason
    assert venue_control.state()["open_orders"] == []


@pytest.mark.parametrize(
    ("code", "msg", "reason"),
    [
        (-2010, "Account has insufficient balance for requested action.", "insufficient_funds"),
        (-2010, "New order rejected.", "invalid_order"),
        (-1013, "Filter failure: NOTIONAL", "below_min"),
    ],
)
def test_a_rejected_create_says_why(trader, venue_control, code, msg, reason):
    venue_control.fault(path=ORDER, method="POST", kind="reject", code=code, msg=msg)
    with pytest.raises(RejectedError) as raised:
        quote(trader)
    assert raised.value.detail["reason"] == reason


def test_a_create_in_doubt_that_never_happened_is_looked_up_then_sent_once(trader, venue_control):
    venue_control.fault(path=ORDER, method="POST", kind="http_500")
    with pytest.raises(InDoubtError):
        quote(trader, client_order_id="o8:quote:b0")

    with pytest.raises(RemoteNotFoundError):
        trader.gateway.fetch_order(symbol=XIN_USDT, client_order_id="o8:quote:b0")
    quote(trader, client_order_id="o8:quote:b0")
    assert len(trader.gateway.open_orders(symbol=XIN_USDT)) == 1


def test_an_unanswered_create_is_resolved_by_client_id_without_a_second_order(
    trader, venue_control
):
    venue_control.fault(path=ORDER, method="POST", kind="timeout", delay_ms=900)
    with pytest.raises(InDoubtError):
        quote(trader, client_order_id="o7:quote:b0")

    found = trader.gateway.fetch_order(symbol=XIN_USDT, client_order_id="o7:quote:b0")
    assert found.is_open and found.amount == 1 and found.price == 99
    # Resending the same client id while the order is open cannot place a second one.
    with pytest.raises(RejectedError) as raised:
        quote(trader, client_order_id="o7:quote:b0")
    assert raised.value.detail["reason"] == "duplicate_order"
    assert [o.client_order_id for o in trader.gateway.open_orders(symbol=XIN_USDT)] == [
        "o7:quote:b0"
    ]


def test_an_unanswered_withdrawal_is_in_doubt_and_found_by_its_client_id(trader, venue_control):
    venue_control.fault(path=WITHDRAW, method="POST", kind="timeout", delay_ms=900)
    with pytest.raises(InDoubtError):
        trader.gateway.withdraw(
            asset="XIN",
            network="MIXIN",
            address="mixin-destination",
            amount=Decimal(2),
            client_id="o9:exit_withdraw:base",
        )
    found = trader.gateway.withdrawal_by_client_id(asset="XIN", client_id="o9:exit_withdraw:base")
    assert found.amount + found.fee == 2
    assert trader.gateway.balances().free("XIN") == 8


def test_a_delayed_answer_still_succeeds(trader, venue_control):
    venue_control.fault(path=ORDER, method="POST", kind="delay", delay_ms=200)
    started = time.monotonic()
    order = quote(trader)
    assert order.is_open and time.monotonic() - started >= 0.2


def test_a_fault_applies_count_times_then_stops(trader, venue_control):
    venue_control.fault(path=ACCOUNT, method="GET", kind="http_500", count=2)
    for _ in range(2):
        with pytest.raises(RetryableError):
            trader.gateway.balances()
    assert trader.gateway.balances().free("XIN") == 10
