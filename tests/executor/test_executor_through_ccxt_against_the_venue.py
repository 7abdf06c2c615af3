"""The executor end to end: ccxt.binance over HTTP against the venue simulator thread.

Quotes appear on the simulated book at the preview's prices; the simulator's takers fill
them; the fills land in the ledger once; a refresh replaces only what moved; a kill-switch
trip cancels everything and says why. The same runs on PostgreSQL (CI) and SQLite.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exchanges.gateway import gateway_for_api_key
from exchanges.models import Exchange
from executor import tasks
from executor.models import ExchangeFill, ExchangeOrderStatus, ExecutorState
from executor.services import executor_tick_market
from ledger.models import Transaction
from strategy import Balances, MarketSnapshot, validate_params
from strategy.preview import preview
from tests.executor.harness import (
    BASE_PARAMS,
    SYMBOL,
    USDT,
    XIN,
    api_key_store,
    balances,
    events,
    gateway_market_snapshot,
    pair_create,
    running_order_create,
    tracked,
)

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


class Venue:
    """The simulator as the executor meets it: an exchange row pointing at it, our key."""

    def __init__(self, url, control, *, agents: bool, volatility: str = "0.001") -> None:
        self.control = control
        control.market_create(
            symbol=SYMBOL,
            mid="100",
            tick_size="0.01",
            step_size="0.001",
            min_notional="1",
            volatility=volatility,
            agents=agents,
        )
        exchange = Exchange.objects.create(
            name=f"venue-{uuid.uuid4().hex[:6]}", ccxt_id="binance", api_base_url=url
        )
        self.pair = pair_create(exchange=exchange)
        account = control.account_create(label="mm", permissions=["read", "trade"])
        control.credit(api_key=account["api_key"], asset="XIN", amount="100")
        control.credit(api_key=account["api_key"], asset="USDT", amount="20000")
        self.key = api_key_store(
            exchange=exchange, label="mm", api_key=account["api_key"], secret=account["secret"]
        )
        self.now = timezone.now()

    @property
    def gateway(self):
        return gateway_for_api_key(self.key.pk)

    def tick(self, seconds: float = 0):
        self.now += timedelta(seconds=seconds)
        return executor_tick_market(pair_id=self.pair.pk, now=self.now)

    def resting(self):
        return self.gateway.open_orders(symbol=SYMBOL)

    def snapshot(self) -> MarketSnapshot:
        return gateway_market_snapshot(self.gateway, SYMBOL)


def test_quotes_at_the_preview_prices_filled_by_takers_settle_once(
    venue_url, venue_control, venue_trader
):
    venue = Venue(venue_url, venue_control, agents=True, volatility="0.004")
    params = {"bid_spread": "0.002", "ask_spread": "0.002", "order_levels": 2}
    order = running_order_create(pair=venue.pair, key=venue.key, params=params)
    expected = preview(
        params=validate_params({**BASE_PARAMS, **params}),
        snapshot=venue.snapshot(),
        balances=Balances(base=D("10"), quote=D("2000")),
        now=venue.now,
    )

    venue.tick()

    resting = venue.resting()
    assert sorted((o.side, o.price, o.amount) for o in resting) == sorted(
        (q.side.value, q.price, q.amount) for q in expected.create
    )
    assert len(resting) == 4

    for _ in range(200):  # the simulator's makers and takers trade until they reach us
        venue_control.market_step(symbol=SYMBOL, rounds=1)
        if venue.gateway.my_trades(symbol=SYMBOL):
            break
    trades = venue.gateway.my_trades(symbol=SYMBOL)
    assert trades, "the simulated market never reached our quotes"

    venue.tick(seconds=1)
    venue.tick(seconds=1)  # a second look at the same trades settles nothing again

    fills = ExchangeFill.objects.filter(tracked_order__order=order)
    assert {f.trade_id for f in fills} >= {t.trade_id for t in trades}
    assert fills.count() == len({f.trade_id for f in fills})
    settled = Transaction.objects.filter(
        code="fill_settle", idempotency_key__startswith=str(order.pk)
    )
    assert settled.count() == fills.count()
    bought = sum((f.amount for f in fills if f.side == "buy"), D(0))
    sold = sum((f.amount for f in fills if f.side == "sell"), D(0))
    assert balances(order, XIN).realized_change == bought - sold


def test_a_refresh_replaces_only_what_moved(venue_url, venue_control, venue_trader):
    venue = Venue(venue_url, venue_control, agents=False)
    maker = venue_trader(XIN="100", USDT="20000")

    def book(bid: str, ask: str) -> None:
        for o in maker.gateway.open_orders(symbol=SYMBOL):
            maker.gateway.cancel_order(symbol=SYMBOL, exchange_order_id=o.exchange_order_id)
        for side, price in (("buy", bid), ("sell", ask)):
            maker.gateway.create_limit_order(
                symbol=SYMBOL,
                side=side,
                amount=D("5"),
                price=D(price),
                client_order_id=f"lp-{uuid.uuid4().hex[:8]}",
            )

    book("99.9", "100.1")
    order = running_order_create(
        pair=venue.pair, key=venue.key, params={"order_refresh_tolerance_pct": "0.002"}
    )
    venue.tick()
    first = {o.exchange_order_id for o in venue.resting()}

    book("99.95", "100.15")  # mid +0.05 %: within the tolerance
    report = venue.tick(seconds=11)
    assert report.cancelled == 0 and report.created == 0
    assert {o.exchange_order_id for o in venue.resting()} == first

    book("100.9", "101.1")  # mid +1 %: beyond it
    report = venue.tick(seconds=11)
    assert report.cancelled == 2 and report.created == 2
    resting = venue.resting()
    assert not first & {o.exchange_order_id for o in resting}
    # The book's best ask is still our own 101.00, so the mid is 100.95.
    assert sorted(o.price for o in resting) == [D("99.94"), D("101.96")]
    assert {r.status for r in tracked(order) if r.exchange_order_id in first} == {
        ExchangeOrderStatus.CANCELLED
    }
    assert balances(order, USDT).locked == D("99.94")


def test_a_kill_switch_trip_cancels_everything_and_says_why(
    venue_url, venue_control, venue_trader, settings
):
    settings.EXECUTOR_RISK_LIMITS = {"max_drawdown_pct": "0.002", "max_price_jump_pct": "0.5"}
    venue = Venue(venue_url, venue_control, agents=False)
    maker = venue_trader(XIN="100", USDT="20000")
    for side, price in (("buy", "99.9"), ("sell", "100.1")):
        maker.gateway.create_limit_order(
            symbol=SYMBOL, side=side, amount=D("5"), price=D(price), client_order_id=f"lp-{side}"
        )
    order = running_order_create(pair=venue.pair, key=venue.key, xin="20", usdt="2000")
    venue.tick()
    assert len(venue.resting()) == 2

    maker.gateway.cancel_order(symbol=SYMBOL, client_order_id="lp-buy")
    maker.gateway.create_limit_order(
        symbol=SYMBOL, side="buy", amount=D("5"), price=D("97"), client_order_id="lp-low"
    )  # best bid is now our own 99.00: mid 100 → 99.55, and 20 XIN lose 9 of 4000 (0.225 %)
    venue.tick(seconds=1)

    assert venue.resting() == []
    (event,) = events(order, "kill_switch_drawdown")
    assert "from its peak" in event.reason
    assert (D(event.data["peak_equity"]), D(event.data["equity"])) == (D("4000"), D("3991"))
    state = ExecutorState.objects.get(order=order)
    assert state.kill_switch_tripped and state.kill_switch_reason == event.reason
    assert (balances(order, USDT).locked, balances(order, XIN).locked) == (0, 0)


def test_the_cancel_task_takes_everything_off_the_book(venue_url, venue_control, venue_trader):
    venue = Venue(venue_url, venue_control, agents=False)
    maker = venue_trader(XIN="100", USDT="20000")
    for side, price in (("buy", "99.9"), ("sell", "100.1")):
        maker.gateway.create_limit_order(
            symbol=SYMBOL, side=side, amount=D("5"), price=D(price), client_order_id=f"lp-{side}"
        )
    order = running_order_create(pair=venue.pair, key=venue.key)
    venue.tick()
    assert len(venue.resting()) == 2

    tasks.quotes_cancel(order_id=str(order.pk), trace_id=order.trace_id, reason="stopped")

    assert venue.resting() == []
    assert events(order, "quotes_cancelled")[0].reason == "stopped"
