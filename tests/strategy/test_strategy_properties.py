"""Properties that hold for any parameters, book and balances the validator lets through."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from strategy import (
    Balances,
    Book,
    MarketSnapshot,
    OpenOrder,
    Side,
    StrategyState,
    validate_params,
)
from tests.strategy.builders import T0, tick

TICKS = [Decimal("0.01"), Decimal("0.05"), Decimal("0.0001"), Decimal("1")]
STEPS = [Decimal("0.001"), Decimal("0.1"), Decimal("1")]


def decimals(low: str, high: str, places: int = 4):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


@st.composite
def configurations(draw):
    levels = draw(st.integers(1, 6))
    adaptive = draw(st.booleans())
    data = {
        "bid_spread": draw(decimals("0", "0.2")),
        "ask_spread": draw(decimals("0", "0.2")),
        "order_amount": draw(decimals("0.001", "50", 3)),
        "order_levels": levels,
        "order_level_spread": draw(decimals("0", "0.05")),
        "order_level_amount": draw(decimals("0", "5", 3)),
        "inventory_skew_enabled": (not adaptive) and draw(st.booleans()),
        "inventory_target_base_pct": draw(decimals("0", "1", 2)),
        "adaptive_spreads_enabled": adaptive,
        "risk_factor": draw(decimals("0.1", "100", 1)),
        "order_book_depth_factor": draw(decimals("1", "500", 1)),
        "order_amount_shape_factor": draw(decimals("0", "5", 2)),
        "price_type": draw(st.sampled_from(["mid_price", "microprice", "best_bid", "best_ask"])),
        "take_if_crossed": False,
    }
    return validate_params(data)


@st.composite
def markets(draw):
    tick_size = draw(st.sampled_from(TICKS))
    bid_ticks = draw(st.integers(1, 200_000))
    gap = draw(st.integers(1, 500))
    best_bid = bid_ticks * tick_size
    best_ask = (bid_ticks + gap) * tick_size
    sizes = decimals("0.01", "100", 2).filter(lambda size: size > 0)
    return MarketSnapshot(
        book=Book(bids=((best_bid, draw(sizes)),), asks=((best_ask, draw(sizes)),)),
        tick_size=tick_size,
        step_size=draw(st.sampled_from(STEPS)),
        min_notional=draw(decimals("0", "20", 2)),
        min_amount=draw(decimals("0", "1", 3)),
    )


@st.composite
def open_orders(draw):
    orders = []
    for index in range(draw(st.integers(0, 3))):
        orders.append(
            OpenOrder(
                id=f"o{index}",
                side=draw(st.sampled_from(list(Side))),
                price=draw(decimals("0.01", "3000", 2)).max(Decimal("0.01")),
                amount=draw(decimals("0.001", "10", 3)).max(Decimal("0.001")),
                created_at=T0 - timedelta(seconds=draw(st.integers(0, 4000))),
            )
        )
    return orders


balances = st.builds(Balances, base=decimals("0", "500", 3), quote=decimals("0", "100000", 2))


def is_multiple(value: Decimal, unit: Decimal) -> bool:
    return value % unit == 0


@settings(max_examples=300, deadline=None)
@given(configurations(), markets(), balances, open_orders())
def test_every_quote_fits_the_grid_the_budget_the_minimums_and_never_crosses(
    strategy, snapshot, funds, orders
):
    decision = tick(strategy, snapshot, balances=funds, open_orders=orders)
    replaced = {cancel.order_id for cancel in decision.cancel}
    # The budget a new set may use: free funds plus what the orders being replaced lock.
    quote_budget = funds.quote + sum(
        (o.price * o.amount for o in orders if o.side is Side.BUY and o.id in replaced),
        Decimal(0),
    )
    base_budget = funds.base + sum(
        (o.amount for o in orders if o.side is Side.SELL and o.id in replaced), Decimal(0)
    )
    best_bid, best_ask = snapshot.book.best_bid, snapshot.book.best_ask
    for quote in decision.create:
        assert quote.price > 0 and quote.amount > 0
        assert is_multiple(quote.price, snapshot.tick_size)
        assert is_multiple(quote.amount, snapshot.step_size)
        assert quote.price * quote.amount >= snapshot.min_notional
        assert quote.amount >= snapshot.min_amount
        if quote.side is Side.BUY:
            assert quote.price < best_ask
        else:
            assert quote.price > best_bid
    assert sum((q.price * q.amount for q in decision.create if q.side is Side.BUY), Decimal(0)) <= (
        quote_budget
    )
    assert (
        sum((q.amount for q in decision.create if q.side is Side.SELL), Decimal(0)) <= base_budget
    )


@settings(max_examples=200, deadline=None)
@given(configurations(), markets(), st.one_of(st.none(), balances))
def test_a_fresh_order_accounts_for_every_level_exactly_once(strategy, snapshot, funds):
    decision = tick(strategy, snapshot, balances=funds, state=StrategyState())
    placed = [(q.side, q.level) for q in decision.create]
    dropped = [(d.side, d.level) for d in decision.dropped]
    everything = [(side, level) for side in Side for level in range(strategy.order_levels)]
    assert sorted(placed + dropped) == sorted(everything)


@settings(max_examples=100, deadline=None)
@given(configurations(), markets())
def test_buys_stay_below_sells(strategy, snapshot):
    decision = tick(strategy, snapshot)
    buys = [q.price for q in decision.create if q.side is Side.BUY]
    sells = [q.price for q in decision.create if q.side is Side.SELL]
    if buys and sells:
        assert max(buys) < min(sells)


@settings(max_examples=100, deadline=None)
@given(markets())
def test_take_if_crossed_is_the_only_way_to_quote_through_the_book(snapshot):
    snapshot = replace(snapshot, min_notional=Decimal(0), min_amount=Decimal(0))
    crossing = {"bid_spread": "0", "ask_spread": "0", "order_amount": "1000"}
    held_back = tick(validate_params({**crossing, "price_type": "best_ask"}), snapshot)
    assert all(q.side is Side.SELL for q in held_back.create)
    allowed = tick(
        validate_params({**crossing, "price_type": "best_ask", "take_if_crossed": True}), snapshot
    )
    assert any(q.side is Side.BUY and q.price >= snapshot.book.best_ask for q in allowed.create)
