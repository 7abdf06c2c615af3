"""Fills settle into the ledger once, by trade id, with the exchange's fees; replays and
lower cumulative values change nothing."""

from datetime import UTC, datetime

import pytest

from exchanges.gateway import ExchangeOrder
from executor.models import ExchangeFill, ExchangeOrderStatus
from executor.settlement import tracked_apply_remote
from ledger.models import Transaction
from tests.executor.harness import USDT, XIN, D, Market, balances, tracked

pytestmark = pytest.mark.django_db(transaction=True)


def quotes(order):
    rows = tracked(order)
    return next(r for r in rows if r.side == "buy"), next(r for r in rows if r.side == "sell")


def test_a_partial_fill_moves_the_assets_and_the_fee():
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")
    market.tick()
    bid, _ = quotes(order)

    market.hit(bid, "0.4")
    report = market.tick(seconds=1)

    assert report.fills == 1
    fill = ExchangeFill.objects.get()
    assert (fill.amount, fill.price, fill.is_maker) == (D("0.4"), bid.price, True)
    assert fill.fee == D("0.0004") and fill.fee_asset == "XIN"  # 0.1 % maker fee, in base
    bid.refresh_from_db()
    assert bid.status == ExchangeOrderStatus.PARTIALLY_FILLED
    assert (bid.filled_amount, bid.settled_amount) == (D("0.4"), D("0.4"))
    assert balances(order, USDT).locked == bid.reserved_amount - D("0.4") * bid.price
    xin = balances(order, XIN)
    assert xin.on_exchange == D("10") - D("1") + D("0.4") - D("0.0004")
    assert xin.fees_paid == D("0.0004")
    assert xin.realized_change == D("0.4")
    codes = Transaction.objects.filter(ref=f"trade:{fill.trade_id}").values_list("code", flat=True)
    assert list(codes) == ["fill_settle"]  # one posting per trade, its fee included


def test_ticking_again_settles_nothing_twice():
    market = Market.open()
    order = market.running_order()
    market.tick()
    bid, _ = quotes(order)
    market.hit(bid, "0.4")
    market.tick(seconds=1)
    posted = Transaction.objects.count()

    market.tick(seconds=1)
    from executor.models import TradeCursor

    TradeCursor.objects.update(last_trade_id="")  # the trade history is read again from the start
    market.tick(seconds=1)

    assert ExchangeFill.objects.count() == 1
    assert Transaction.objects.count() == posted


def test_a_lower_cumulative_fill_from_the_exchange_is_ignored():
    market = Market.open()
    order = market.running_order()
    market.tick()
    bid, _ = quotes(order)
    bid.filled_amount = D("0.6")

    stale = ExchangeOrder(
        exchange_order_id=bid.exchange_order_id,
        client_order_id=bid.client_order_id,
        symbol=bid.symbol,
        side="buy",
        price=bid.price,
        amount=bid.amount,
        filled=D("0.2"),
        cost=D("0"),
        status="open",
        created_at=None,
        updated_at=None,
    )
    tracked_apply_remote(bid, stale, now=datetime.now(tz=UTC))

    assert bid.filled_amount == D("0.6")
    assert bid.status == ExchangeOrderStatus.PARTIALLY_FILLED


def test_a_complete_fill_frees_its_reservation_and_waits_the_filled_order_delay():
    market = Market.open()
    order = market.running_order(params={"filled_order_delay": 30, "order_refresh_time": 10})
    market.tick()
    _, ask = quotes(order)

    market.hit(ask, "1")
    market.tick(seconds=1)

    ask.refresh_from_db()
    assert ask.status == ExchangeOrderStatus.FILLED and ask.released
    assert balances(order, XIN).locked == 0
    # The buy stays (hanging orders are off, so it is cancelled at the next refresh) and no
    # new sell appears before the filled-order delay has passed.
    market.tick(seconds=12)
    assert not [r for r in tracked(order) if r.side == "sell" and r.status == "open"]
    market.tick(seconds=30)
    assert [r for r in tracked(order) if r.side == "sell" and r.status == "open"]
