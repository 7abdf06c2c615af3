"""The simulated market moves on its own, repeatably, and product quotes really fill."""

import time
from decimal import Decimal

from simulators.venue.control import SimulatorControl
from simulators.venue.server import start_in_thread
from tests.exchanges.venue_fixtures import XIN_USDT

SPEC = {
    "symbol": XIN_USDT,
    "mid": "100",
    "tick_size": "0.01",
    "step_size": "0.001",
    "min_notional": "1",
    "volatility": "0.002",
}


def stepped_market(seed: int, rounds: int) -> tuple[dict, list]:
    url, stop = start_in_thread(seed=seed, agent_interval_s=0)
    try:
        control = SimulatorControl(url)
        control.market_create(**SPEC)
        agents = control.market_step(symbol=XIN_USDT, rounds=rounds)
        book = control.state()["open_orders"]
        return agents, [(o["side"], o["price"], o["orig_qty"]) for o in book]
    finally:
        stop()


def test_the_same_seed_replays_the_same_market():
    first = stepped_market(seed=11, rounds=25)
    assert stepped_market(seed=11, rounds=25) == first
    assert stepped_market(seed=12, rounds=25)[0]["mid"] != first[0]["mid"]
    assert first[0]["mid"] != "100" and first[0]["rounds"] == 26  # one round at creation


def test_a_quote_inside_the_agents_spread_gets_filled(venue_control, venue_trader):
    venue_control.market_create(**{**SPEC, "volatility": "0"})
    maker = venue_trader(USDT="1000", XIN="10")
    book = maker.gateway.order_book(symbol=XIN_USDT)
    best_bid, best_ask = book.bids[0].price, book.asks[0].price
    assert best_bid < Decimal(100) < best_ask

    quote = maker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="buy",
        amount=Decimal("0.05"),
        price=best_bid + Decimal("0.01"),
        client_order_id="mm-1-b0",
        post_only=True,
    )
    venue_control.market_step(symbol=XIN_USDT, rounds=30)

    filled = maker.gateway.fetch_order(symbol=XIN_USDT, client_order_id="mm-1-b0")
    assert filled.filled > 0 and filled.exchange_order_id == quote.exchange_order_id
    assert maker.gateway.my_trades(symbol=XIN_USDT)[0].is_maker


def test_a_paused_market_stands_still_until_stepped():
    url, stop = start_in_thread(seed=3, agent_interval_s=0.02)
    try:
        control = SimulatorControl(url)
        control.market_create(**SPEC)
        time.sleep(0.2)
        paused = control.market_pause(symbol="XIN-USDT")
        assert paused["rounds"] > 1
        time.sleep(0.2)
        still = control.market_step(symbol="XINUSDT", rounds=0)
        assert still["rounds"] == paused["rounds"]
        assert control.market_step(symbol=XIN_USDT, rounds=2)["rounds"] == paused["rounds"] + 2
        resumed = control.market_pause(symbol=XIN_USDT, paused=False)
        time.sleep(0.2)
        assert control.market_step(symbol=XIN_USDT, rounds=0)["rounds"] > resumed["rounds"]
    finally:
        stop()


def test_assets_are_conserved_while_agents_trade(venue_control):
    venue_control.market_create(**SPEC)
    venue_control.market_step(symbol=XIN_USDT, rounds=50)
    state = venue_control.state()
    assert state["trade_count"] > 0
    for asset, held in state["holdings"].items():
        assert Decimal(held) == Decimal(state["external_net"][asset])
