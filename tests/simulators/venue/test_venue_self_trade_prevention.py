"""An order that would trade with its own account's resting order expires instead."""

from decimal import Decimal

from tests.exchanges.venue_fixtures import XIN_USDT


def test_the_incoming_order_expires_and_the_resting_one_stays(xin_usdt, venue_trader):
    trader = venue_trader(XIN="10", USDT="1000")
    resting = trader.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "101")

    incoming = trader.ccxt.create_order(XIN_USDT, "limit", "buy", "1", "101")

    assert incoming["info"]["status"] == "EXPIRED" and incoming["filled"] == 0
    assert trader.ccxt.fetch_my_trades(XIN_USDT) == []
    [still_open] = trader.gateway.open_orders(symbol=XIN_USDT)
    assert still_open.exchange_order_id == resting["id"]
    balances = trader.gateway.balances()
    assert balances.assets["USDT"].free == Decimal(1000)
    assert balances.assets["XIN"].locked == Decimal(1)


def test_fills_before_the_own_order_stand_and_the_rest_expires(xin_usdt, venue_trader):
    other = venue_trader(XIN="10")
    trader = venue_trader(XIN="10", USDT="1000")
    other.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "100.5")
    trader.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "101")

    sweep = trader.ccxt.create_order(XIN_USDT, "limit", "buy", "3", "102")

    assert sweep["info"]["status"] == "EXPIRED"
    assert Decimal(sweep["info"]["executedQty"]) == 1
    assert [f["price"] for f in sweep["info"]["fills"]] == ["100.5"]
    assert trader.gateway.balances().assets["USDT"].locked == 0
