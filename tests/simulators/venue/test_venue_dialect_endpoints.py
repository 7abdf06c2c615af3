"""The rest of the reference table through ccxt.binance: currencies, trades, time, ping."""

import time

from tests.exchanges.venue_fixtures import XIN_USDT


def test_currencies_load_with_networks_fees_and_minimums(xin_usdt, venue_trader, venue_control):
    venue_control.coin_configure(coin="USDT", network="ETH", withdraw_fee="1.5", withdraw_min="10")
    venue_control.coin_configure(coin="USDT", network="TRX", withdraw_fee="1", withdraw_min="5")
    trader = venue_trader()
    trader.ccxt.options["fetchCurrencies"] = True

    trader.ccxt.load_markets(True)

    usdt = trader.ccxt.currencies["USDT"]
    assert set(usdt["networks"]) == {"ERC20", "TRC20"}  # ccxt's names for ETH and TRX
    assert usdt["networks"]["ERC20"]["fee"] == 1.5
    assert usdt["networks"]["TRC20"]["limits"]["withdraw"]["min"] == 5
    assert XIN_USDT in trader.ccxt.markets


def test_public_trades_time_and_ping(xin_usdt, venue_trader):
    seller = venue_trader(XIN="5")
    buyer = venue_trader(USDT="500")
    seller.ccxt.create_order(XIN_USDT, "limit", "sell", "1", "100")
    buyer.ccxt.create_order(XIN_USDT, "limit", "buy", "0.4", "100")

    [trade] = buyer.ccxt.fetch_trades(XIN_USDT)
    assert (trade["price"], trade["amount"], trade["side"]) == (100, 0.4, "buy")
    assert abs(buyer.ccxt.fetch_time() - time.time() * 1000) < 5000
    assert buyer.ccxt.publicGetPing() == {}
