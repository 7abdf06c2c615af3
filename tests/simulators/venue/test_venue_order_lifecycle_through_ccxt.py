"""ccxt.binance, unmodified, trades on the simulator: rest, partial fill, fees, cancel."""

from decimal import Decimal

import ccxt
import pytest

from tests.exchanges.venue_fixtures import XIN_USDT


def test_markets_load_with_the_filters_the_venue_declares(xin_usdt, venue_trader):
    trader = venue_trader()
    market = trader.ccxt.load_markets()[XIN_USDT]
    assert market["id"] == "XINUSDT"
    assert (market["base"], market["quote"]) == ("XIN", "USDT")
    assert market["precision"]["price"] == 0.01 and market["precision"]["amount"] == 0.001
    assert market["limits"]["cost"]["min"] == 1


def test_post_only_rests_then_a_crossing_order_partially_fills_it(xin_usdt, venue_trader):
    maker = venue_trader(USDT="1000")
    taker = venue_trader(XIN="10")

    quote = maker.ccxt.create_order(
        XIN_USDT, "limit", "buy", "2", "99.5", {"postOnly": True, "clientOrderId": "mm-1-0"}
    )
    assert quote["status"] == "open" and quote["info"]["type"] == "LIMIT_MAKER"
    book = maker.ccxt.fetch_order_book(XIN_USDT)
    assert book["bids"] == [[99.5, 2.0]] and book["asks"] == []
    assert maker.ccxt.fetch_balance()["USDT"] == {"free": 801.0, "used": 199.0, "total": 1000.0}

    hit = taker.ccxt.create_order(XIN_USDT, "limit", "sell", "0.5", "99")
    assert hit["status"] == "closed"
    assert hit["info"]["fills"][0]["price"] == "99.5"  # the resting order's price

    resting = maker.ccxt.fetch_order(None, XIN_USDT, {"origClientOrderId": "mm-1-0"})
    assert resting["info"]["status"] == "PARTIALLY_FILLED"
    assert resting["info"]["executedQty"] == "0.5"
    assert resting["info"]["cummulativeQuoteQty"] == "49.75"

    [maker_trade] = maker.ccxt.fetch_my_trades(XIN_USDT)
    [taker_trade] = taker.ccxt.fetch_my_trades(XIN_USDT)
    assert maker_trade["info"]["isMaker"] is True and maker_trade["info"]["isBuyer"] is True
    assert taker_trade["info"]["isMaker"] is False and taker_trade["info"]["isBuyer"] is False
    # 0.1% on what each side receives: the buyer's base, the seller's quote.
    assert maker_trade["info"]["commission"] == "0.00050000"
    assert maker_trade["info"]["commissionAsset"] == "XIN"
    assert taker_trade["info"]["commission"] == "0.04975000"
    assert taker_trade["info"]["commissionAsset"] == "USDT"

    maker_balance = maker.gateway.balances()
    assert maker_balance.assets["XIN"].free == Decimal("0.4995")
    assert maker_balance.assets["USDT"].locked == Decimal("149.25")
    taker_balance = taker.gateway.balances()
    assert taker_balance.assets["USDT"].free == Decimal("49.70025")
    assert taker_balance.assets["XIN"].free == Decimal("9.5")


def test_cancel_releases_only_the_unfilled_remainder(xin_usdt, venue_trader):
    maker = venue_trader(USDT="1000")
    taker = venue_trader(XIN="10")
    quote = maker.ccxt.create_order(XIN_USDT, "limit", "buy", "2", "99.5", {"postOnly": True})
    taker.ccxt.create_order(XIN_USDT, "limit", "sell", "0.5", "99.5")

    canceled = maker.ccxt.cancel_order(quote["id"], XIN_USDT)

    assert canceled["status"] == "canceled" and canceled["info"]["executedQty"] == "0.5"
    usdt = maker.gateway.balances().assets["USDT"]
    assert (usdt.free, usdt.locked) == (Decimal("950.25"), Decimal(0))
    assert maker.ccxt.fetch_order_book(XIN_USDT)["bids"] == []
    assert maker.ccxt.fetch_open_orders(XIN_USDT) == []


def test_a_crossing_post_only_order_is_refused_with_the_dialects_message(
    xin_usdt, venue_trader, venue_control
):
    seller = venue_trader(XIN="10")
    seller.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "101")
    buyer = venue_trader(USDT="1000")
    with pytest.raises(ccxt.OrderImmediatelyFillable):
        buyer.ccxt.create_order(XIN_USDT, "limit", "buy", "1", "101", {"postOnly": True})
    assert len(venue_control.state()["open_orders"]) == 1


def test_fee_rates_follow_the_market_and_the_side(venue_control, venue_trader):
    venue_control.market_create(
        symbol="BTC/USDT",
        mid="60000",
        tick_size="0.1",
        step_size="0.0001",
        maker_fee_rate="0",
        taker_fee_rate="0.002",
        agents=False,
    )
    maker = venue_trader(BTC="1")
    taker = venue_trader(USDT="10000")
    maker.ccxt.create_order("BTC/USDT", "limit", "sell", "0.1", "60000", {"postOnly": True})
    taken = taker.ccxt.create_order("BTC/USDT", "limit", "buy", "0.1", "60000")

    assert taken["info"]["fills"][0]["commission"] == "0.00020000"  # 0.2% of 0.1 BTC
    assert maker.gateway.balances().free("USDT") == Decimal(6000)  # maker pays nothing
    assert taker.gateway.balances().free("BTC") == Decimal("0.0998")


def test_ioc_and_fok_do_not_rest(xin_usdt, venue_trader):
    seller = venue_trader(XIN="10")
    seller.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "101")
    buyer = venue_trader(USDT="1000")

    fok = buyer.ccxt.create_order(XIN_USDT, "limit", "buy", "2", "101", {"timeInForce": "FOK"})
    assert fok["status"] == "expired" and fok["filled"] == 0
    ioc = buyer.ccxt.create_order(XIN_USDT, "limit", "buy", "2", "101", {"timeInForce": "IOC"})
    assert ioc["status"] == "expired" and ioc["filled"] == 1
    assert buyer.ccxt.fetch_open_orders(XIN_USDT) == []
    assert buyer.gateway.balances().assets["USDT"].locked == 0


def test_market_orders_sweep_the_book_by_quantity_or_by_quote(xin_usdt, venue_trader):
    seller = venue_trader(XIN="10")
    seller.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "101")
    seller.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "102")
    buyer = venue_trader(USDT="1000")

    by_qty = buyer.ccxt.create_order(XIN_USDT, "market", "buy", "1.5")
    assert by_qty["status"] == "closed" and by_qty["info"]["cummulativeQuoteQty"] == "152.0"
    by_quote = buyer.ccxt.create_order(
        XIN_USDT, "market", "buy", None, None, {"quoteOrderQty": "40.8"}
    )
    assert Decimal(by_quote["info"]["executedQty"]) == Decimal("0.4")
    assert buyer.gateway.balances().assets["USDT"].free == Decimal("1000") - 152 - Decimal("40.8")
