"""What the snapshot task samples: only markets with a running order, and each running
order's own resting quotes as the executor tracks them (in-process venue: pure sampling
logic, the HTTP path is in test_stability_of_a_scripted_venue)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import RetryableError
from orders.models import MarketMakingOrder
from orders.states import OrderState
from reports import snapshots, tasks
from reports.models import MarketSnapshot, OrderSnapshot
from reports.snapshots import market_snapshot_take, markets_snapshot_take, slot_of
from tests.executor.harness import Market, tracked

pytestmark = pytest.mark.django_db
D = Decimal
PARAMS = {"bid_spread": "0.004", "ask_spread": "0.004", "order_amount": "1"}


def test_own_quotes_per_band_and_the_two_sided_flag():
    market = Market.open(bid="99.9", ask="100.1")
    order = market.running_order(params=PARAMS)
    market.tick()
    idle = market.running_order(params=PARAMS, key=market.api_key("idle"))
    quotes = {q.side: q for q in tracked(order)}
    assert set(quotes) == {"buy", "sell"}  # the executor placed one quote a side

    at = slot_of(market.now)
    assert market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=market.gateway_for)
    row = OrderSnapshot.objects.get(order=order, at=at)
    assert (row.own_bid, row.own_ask) == (quotes["buy"].price, quotes["sell"].price)
    assert row.open_orders == 2 and row.two_sided
    mid = D(100)
    bid_bps = (mid - quotes["buy"].price) / mid * 10_000
    for band in (10, 25, 50, 100, 200):
        bid_value = quotes["buy"].price * quotes["buy"].amount if bid_bps <= band else 0
        assert getattr(row, f"bid_{band}") == bid_value, band
    assert row.spread_bps == ((quotes["sell"].price - quotes["buy"].price) / mid * 10_000).quantize(
        D("0.01")
    )
    # The idle order started after the tick: no quotes yet, so it is not up.
    other = OrderSnapshot.objects.get(order=idle, at=at)
    assert (other.open_orders, other.two_sided, other.bid_100) == (0, False, 0)
    # The market's book holds the provider's 50 XIN a side and our quotes.
    book = MarketSnapshot.objects.get(pair=market.pair, at=at)
    assert book.bid_10 == D("99.9") * 50 and book.two_sided

    # The same slot again: nothing new, nothing changed.
    assert market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=market.gateway_for) == 0
    assert OrderSnapshot.objects.filter(at=at).count() == 2


def test_only_markets_with_a_running_order_are_sampled(monkeypatch):
    running = Market.open()
    running.running_order(params=PARAMS)
    paused = Market.open()
    order = paused.running_order(params=PARAMS)
    type(order).objects.filter(pk=order.pk).update(state=OrderState.PAUSED)

    sent = []
    monkeypatch.setattr(tasks.reports_snapshot_markets, "apply_async", lambda **kw: sent.append(kw))
    assert tasks.reports_snapshot_all.run() == 1
    assert [kw["kwargs"]["pair_ids"] for kw in sent] == [[running.pair.pk]]
    assert sent[0]["expires"] == 10  # a snapshot that waited past its slot is dropped

    at = slot_of(paused.now) + timedelta(seconds=10)
    assert market_snapshot_take(pair_id=paused.pair.pk, at=at, gateway_for=paused.gateway_for) == 0
    assert not MarketSnapshot.objects.filter(pair=paused.pair).exists()


def test_an_unreadable_book_is_a_gap_with_the_inventory_kept():
    market = Market.open()
    order = market.running_order(params=PARAMS)

    def unreachable(_key):
        class Gateway:
            def order_book(self, **_kw):
                raise RetryableError("venue down")

        return Gateway()

    at = slot_of(market.now)
    market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=unreachable)
    book = MarketSnapshot.objects.get(pair=market.pair, at=at)
    assert (book.readable, book.mid, book.data_age_ms) == (False, None, None)
    row = OrderSnapshot.objects.get(order=order, at=at)
    assert (row.readable, row.equity, row.base_inventory) == (False, None, D(10))


def _batch_gateway(*markets):
    """One gateway_for for markets on separate simulated venues, by API key."""
    owners = {}
    for market in markets:
        for key_id in MarketMakingOrder.objects.filter(pair=market.pair).values_list(
            "api_key_id", flat=True
        ):
            owners[key_id] = market

    def gateway_for(key_id):
        return owners[key_id].gateway_for(key_id)

    return gateway_for


def test_a_batch_of_markets_takes_the_same_queries_whatever_its_orders():
    one, two = Market.open(), Market.open()
    for market in (one, two):
        market.running_order(params=PARAMS)
        market.tick()
    at = slot_of(one.now)
    pair_ids = [one.pair.pk, two.pair.pk]
    with CaptureQueriesContext(connection) as few:
        written = markets_snapshot_take(
            pair_ids=pair_ids, at=at, gateway_for=_batch_gateway(one, two)
        )
    assert written == 2
    for n in range(4):
        one.running_order(params=PARAMS, key=one.api_key(f"more-{n}"))
    later = at + timedelta(seconds=10)
    with CaptureQueriesContext(connection) as many:
        written = markets_snapshot_take(
            pair_ids=pair_ids, at=later, gateway_for=_batch_gateway(one, two)
        )
    assert written == 6
    assert len(many.captured_queries) == len(few.captured_queries)
    assert MarketSnapshot.objects.filter(at=later).count() == 2
    assert OrderSnapshot.objects.filter(at=later, order__pair=one.pair).count() == 5


def test_a_slot_taken_meanwhile_skips_that_market_only(monkeypatch):
    one, two = Market.open(), Market.open()
    for market in (one, two):
        market.running_order(params=PARAMS)
    at = slot_of(one.now)
    gateway_for = _batch_gateway(one, two)
    quotes_of = snapshots._quotes
    raced = []

    def racing(order_ids):
        if not raced:  # another task takes market two's slot after our check
            raced.append(True)
            assert market_snapshot_take(pair_id=two.pair.pk, at=at, gateway_for=gateway_for) == 1
        return quotes_of(order_ids)

    monkeypatch.setattr(snapshots, "_quotes", racing)
    assert (
        markets_snapshot_take(pair_ids=[one.pair.pk, two.pair.pk], at=at, gateway_for=gateway_for)
        == 1
    )
    assert MarketSnapshot.objects.filter(at=at).count() == 2
    assert OrderSnapshot.objects.filter(at=at).count() == 2
