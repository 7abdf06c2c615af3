"""The stability figures of a scripted book equal the values the script implies.

The venue simulator runs in a thread; the snapshots read its book through ccxt.binance
over HTTP, as the task does. A liquidity provider quotes 5 XIN a side at 99.95 / 100.05
(10 bps); for 4 of 20 slots its ask is thinned to 0.5 XIN at 100.15, under the pair's
minimum order (1 XIN ≈ 100 USDT); one slot is never sampled. Then the rows are rolled up
to 1-minute and 1-hour rows, and the figures stay the same.
"""

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext

import pytest
from django.utils import timezone

from exchanges.models import Exchange
from reports.models import MarketRollup, MarketSnapshot, OrderRollup, OrderSnapshot
from reports.rollups import row_facts, snapshots_roll_up
from reports.selectors import order_stability, pair_stability
from reports.snapshots import market_snapshot_take
from reports.stability import METHODOLOGY_VERSION, figures_of_facts, spread_step
from tests.executor.harness import SYMBOL, api_key_store, pair_create, running_order_create

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal
SLOTS = 20
THINNED = {3, 4, 5, 6}
MISSED = {7}
BID, ASK, THIN_ASK = (D("99.95"), D(5)), (D("100.05"), D(5)), (D("100.15"), D("0.5"))


class Book:
    """The liquidity provider's quotes, changed over HTTP like any trader's."""

    def __init__(self, trader):
        self.gateway = trader.gateway
        self.sequence = 0

    def quote(self, side: str, price: Decimal, amount: Decimal) -> None:
        self.sequence += 1
        client_id = f"lp{self.sequence}"
        self.gateway.create_limit_order(
            symbol=SYMBOL, side=side, amount=amount, price=price, client_order_id=client_id
        )

    def ask(self, price: Decimal, amount: Decimal) -> None:
        for order in self.gateway.open_orders(symbol=SYMBOL):
            if order.side == "sell":
                self.gateway.cancel_order(symbol=SYMBOL, exchange_order_id=order.exchange_order_id)
        self.quote("sell", price, amount)


def expected_figures() -> dict:
    with localcontext() as ctx:
        ctx.prec = 50
        normal_mid, thin_mid = (BID[0] + ASK[0]) / 2, (BID[0] + THIN_ASK[0]) / 2
        assert (ASK[0] - BID[0]) / normal_mid * 10_000 == 10
        assert 19.9 < (THIN_ASK[0] - BID[0]) / thin_mid * 10_000 < 20
        bid = BID[0] * BID[1]
        ask, thin = ASK[0] * ASK[1], THIN_ASK[0] * THIN_ASK[1]
        observed = SLOTS - len(MISSED)
        normal = observed - len(THINNED)
        ask_mean = (normal * ask + len(THINNED) * thin) / observed
        # The two-sided depth is the lesser side within the uptime band (100 bps).
        series = [min(bid, ask)] * normal + [min(bid, thin)] * len(THINNED)
        mean = sum(series) / observed
        stdev = (sum((x - mean) ** 2 for x in series) / observed).sqrt()
        six = D("0.000001")
        return {
            "slots": SLOTS,
            "observed": observed,
            "gaps": len(MISSED),
            "uptime": (D(normal) / SLOTS).quantize(six),
            # Spreads rank at two significant digits, rounded up: 10.00 → 10, 19.99 → 20.
            "spread_p50_bps": D("10.00"),
            # 4 of 19 spreads are wide: the 95th percentile's rank (19) is among them.
            "spread_p95_bps": D("20.00"),
            "bid_mean": bid.quantize(D("1e-8")),
            "bid_min": bid,
            "ask_mean": ask_mean.quantize(D("1e-8")),
            "ask_min": thin,
            "depth_volatility": (stdev / mean).quantize(six),
            "depth_drawdown": ((min(bid, ask) - thin) / min(bid, ask)).quantize(six),
        }


def figures_of(report) -> dict:
    figures = report.window
    band = {b.band_bps: b for b in figures.depth}[100]
    return {
        "slots": figures.slots,
        "observed": figures.observed,
        "gaps": figures.gaps,
        "uptime": figures.uptime,
        "spread_p50_bps": figures.spread_p50_bps,
        "spread_p95_bps": figures.spread_p95_bps,
        "bid_mean": band.bid_mean,
        "bid_min": band.bid_min,
        "ask_mean": band.ask_mean,
        "ask_min": band.ask_min,
        "depth_volatility": figures.depth_volatility,
        "depth_drawdown": figures.depth_drawdown,
    }


@pytest.fixture
def scripted(venue_url, venue_control, venue_trader):
    venue_control.market_create(
        symbol=SYMBOL, mid="100", tick_size="0.01", step_size="0.001", min_notional="1",
        agents=False,
    )  # fmt: skip
    exchange = Exchange.objects.create(
        name=f"venue-{uuid.uuid4().hex[:6]}", ccxt_id="binance", api_base_url=venue_url
    )
    pair = pair_create(exchange=exchange)
    pair.min_order_amount = D(1)
    pair.save(update_fields=["min_order_amount"])
    reader = venue_control.account_create(label="mm", permissions=["read", "trade"])
    key = api_key_store(
        exchange=exchange, label="mm", api_key=reader["api_key"], secret=reader["secret"]
    )
    order = running_order_create(pair=pair, key=key, xin="10", usdt="2000")
    book = Book(venue_trader(XIN="100", USDT="10000"))
    book.quote("buy", *BID)
    book.quote("sell", *ASK)

    start = (timezone.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    for slot in range(SLOTS):
        if slot in THINNED and slot - 1 not in THINNED:
            book.ask(*THIN_ASK)
        if slot not in THINNED and slot - 1 in THINNED:
            book.ask(*ASK)
        if slot not in MISSED:
            market_snapshot_take(pair_id=pair.pk, at=start + timedelta(seconds=10 * slot))
    return pair, order, start


def test_figures_equal_the_scripted_values_and_survive_roll_ups(scripted):
    pair, order, start = scripted
    window = {"start": start, "end": start + timedelta(hours=1)}
    own = order_stability(order_id=order.pk, **window)
    assert (own.window.slots, own.window.observed, own.window.uptime) == (20, 19, D(0))
    raw = pair_stability(pair_id=pair.pk, **window)
    assert raw.window.methodology_version == METHODOLOGY_VERSION
    assert figures_of(raw) == expected_figures()
    facts = json.loads(json.dumps([row_facts(row) for row in MarketSnapshot.objects.all()]))
    assert figures_of_facts(facts, interval_seconds=10) == raw.window
    assert raw.window.span_start == start
    midnight = datetime.combine(start.date(), datetime.min.time(), UTC)
    assert [day for day, _ in raw.days] == [midnight]

    later = start + timedelta(days=30)
    while sum(snapshots_roll_up(now=later).values()):
        pass
    assert not MarketSnapshot.objects.exists()
    assert set(MarketRollup.objects.values_list("resolution_seconds", flat=True)) == {3600}
    rolled = pair_stability(pair_id=pair.pk, **window)
    assert rolled.window == raw.window
    assert order_stability(order_id=order.pk, **window).window == own.window
    (position,) = OrderRollup.objects.filter(order=order)
    assert (position.base_inventory, position.quote_inventory, position.samples) == (10, 2000, 19)
    # From the rolled rows' JSON facts alone, as a report bundle's verifier recomputes them.
    facts = json.loads(json.dumps([row_facts(row) for row in MarketRollup.objects.all()]))
    assert figures_of_facts(facts, interval_seconds=10) == raw.window
    assert sum(snapshots_roll_up(now=later).values()) == 0  # nothing left: re-running is safe


def test_an_order_row_per_sample_with_inventory_and_equity_at_mid(scripted):
    pair, order, start = scripted
    rows = list(OrderSnapshot.objects.filter(order=order).order_by("at"))
    assert len(rows) == SLOTS - len(MISSED)
    first = rows[0]
    assert first.at == start
    assert (first.base_inventory, first.quote_inventory) == (D(10), D(2000))
    assert first.equity == D(10) * (BID[0] + ASK[0]) / 2 + D(2000)
    # The order quotes nothing of its own here: never two-sided, no own prices.
    assert {(r.two_sided, r.open_orders, r.own_bid, r.own_ask) for r in rows} == {
        (False, 0, None, None)
    }
    market = MarketSnapshot.objects.get(pair=pair, at=start)
    assert (market.best_bid, market.best_ask, market.mid) == (BID[0], ASK[0], D(100))
    assert market.readable and market.two_sided and market.data_age_ms is not None


@pytest.mark.parametrize(
    ("spread", "ranked"),
    [("19.99", "20.00"), ("10.00", "10.00"), ("10.01", "11.00"), ("1.234", "1.30"),
     ("123.4", "130.00"), ("0.05", "0.05"), ("0", "0.00")],
)  # fmt: skip
def test_spreads_rank_at_two_significant_digits_rounded_up(spread, ranked):
    assert spread_step(D(spread)) == D(ranked)
