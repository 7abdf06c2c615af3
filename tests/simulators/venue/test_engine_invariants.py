"""Properties of the matching engine under random order flow (hypothesis)."""

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from demo.scenarios import ENGINE_XIN_USDT
from simulators.venue.engine import (
    BUY,
    FOK,
    GTC,
    IOC,
    LIMIT,
    LIMIT_MAKER,
    MARKET,
    SELL,
    Engine,
    OrderRequest,
)
from simulators.venue.errors import VenueError

ACCOUNTS = ("alice", "bob", "carol")


def new_engine() -> Engine:
    clock = itertools.count(1)
    engine = Engine(clock_ms=lambda: next(clock))
    engine.add_market(ENGINE_XIN_USDT)
    for account in ACCOUNTS:
        engine.credit(account=account, asset="XIN", amount=Decimal(50))
        engine.credit(account=account, asset="USDT", amount=Decimal(5000))
    return engine


prices = st.integers(min_value=9950, max_value=10050).map(lambda c: Decimal(c) / 100)
quantities = st.integers(min_value=1, max_value=20_000).map(lambda m: Decimal(m) / 1000)
orders = st.builds(
    OrderRequest,
    account=st.sampled_from(ACCOUNTS),
    symbol=st.just("XINUSDT"),
    side=st.sampled_from([BUY, SELL]),
    type=st.sampled_from([LIMIT, LIMIT, LIMIT, LIMIT_MAKER, MARKET]),
    quantity=quantities,
    price=prices,
    time_in_force=st.sampled_from([GTC, GTC, GTC, GTC, IOC, FOK]),
)
market_buys_by_quote = st.builds(
    OrderRequest,
    account=st.sampled_from(ACCOUNTS),
    symbol=st.just("XINUSDT"),
    side=st.just(BUY),
    type=st.just(MARKET),
    quantity=st.none(),
    quote_order_qty=st.integers(min_value=100, max_value=300_000).map(lambda c: Decimal(c) / 100),
)
cancels = st.integers(min_value=0, max_value=1000)  # the n-th open order, modulo their count
actions = st.lists(st.one_of(orders, orders, market_buys_by_quote, cancels), max_size=80)


def run(engine: Engine, action) -> None:
    try:
        if isinstance(action, OrderRequest):
            if action.type == MARKET:
                action.price = None
            engine.submit(action)
        else:  # cancel the n-th open order, whoever owns it
            open_orders = engine.open_orders(account=None, symbol="XINUSDT")
            if open_orders:
                order = open_orders[action % len(open_orders)]
                engine.cancel(
                    account=order.account, symbol="XINUSDT", order_id=order.order_id, client_id=""
                )
    except VenueError:
        pass


@settings(max_examples=200, deadline=None)
@given(actions)
def test_balances_stay_whole_and_the_book_never_rests_crossed(flow):
    engine = new_engine()
    for step in range(1, 6):  # a ladder to trade against from the first action on
        for side, price in ((BUY, 100 - Decimal(step) / 10), (SELL, 100 + Decimal(step) / 10)):
            engine.submit(
                OrderRequest(
                    account="carol",
                    symbol="XINUSDT",
                    side=side,
                    type=LIMIT_MAKER,
                    quantity=Decimal(2),
                    price=price,
                )
            )
    for action in flow:
        run(engine, action)

        for asset in ("XIN", "USDT"):
            # Conservation: nothing created or lost, fees included.
            assert engine.holdings(asset) == engine.external_net[asset]
        locked = {(a, asset): Decimal(0) for a in ACCOUNTS for asset in ("XIN", "USDT")}
        for order in engine.open_orders(account=None, symbol="XINUSDT"):
            asset = "USDT" if order.side == BUY else "XIN"
            locked[(order.account, asset)] += order.locked
            assert order.locked == (
                order.remaining * order.price if order.side == BUY else order.remaining
            )
        for account in ACCOUNTS:
            for asset in ("XIN", "USDT"):
                balance = engine.balance_of(account, asset)
                assert balance.free >= 0 and balance.locked >= 0
                assert balance.locked == locked[(account, asset)]
        bids, asks = engine.depth("XINUSDT", 1)
        if bids and asks:
            assert bids[0][0] < asks[0][0]


@settings(max_examples=100, deadline=None)
@given(
    resting=st.lists(st.tuples(st.sampled_from(["bob", "carol"]), prices, quantities), min_size=1),
    size=st.integers(min_value=10, max_value=20_000).map(lambda m: Decimal(m) / 1000),
)
def test_an_incoming_order_meets_resting_orders_in_price_then_time_priority(resting, size):
    engine = new_engine()
    placed = []
    for account, price, qty in resting:
        try:
            order = engine.submit(
                OrderRequest(
                    account=account,
                    symbol="XINUSDT",
                    side=SELL,
                    type=LIMIT_MAKER,
                    quantity=qty,
                    price=price,
                )
            )
        except VenueError:
            continue
        placed.append(order)
    queue = sorted(placed, key=lambda o: (o.price, o.order_id))

    taker = engine.submit(
        OrderRequest(
            account="alice",
            symbol="XINUSDT",
            side=BUY,
            type=LIMIT,
            quantity=size,
            price=Decimal("110"),
            time_in_force=IOC,
        )
    )

    expected, left = [], size
    for order in queue:
        if left == 0:
            break
        take = min(order.orig_qty, left)
        expected.append((order.price, take))
        left -= take
    assert [(f.price, f.qty) for f in taker.fills] == expected
    touched = {t.seller_order_id for t in engine.trades["XINUSDT"]}
    untouched = [o for o in queue if o.order_id not in touched]
    # Everything left untouched is behind everything touched.
    if untouched and touched:
        last_touched = max((o for o in queue if o.order_id in touched), key=queue.index)
        assert queue.index(untouched[0]) > queue.index(last_touched)
