"""A pair's public market data comes through the venue port with no key."""

from decimal import Decimal

import pytest

from core.errors import RejectedError
from exchanges.selectors import pair_market_read
from tests.exchanges.factories import ExchangeFactory, TradingPairFactory

pytestmark = pytest.mark.django_db


def test_the_rules_book_and_last_trade_of_a_pair(venue_url, xin_usdt, venue_trader):
    maker = venue_trader(XIN="10", USDT="1000")
    taker = venue_trader(XIN="10", USDT="1000")
    for trader, side, price, client_order_id in (
        (maker, "buy", "99.5", "mm-1"),
        (taker, "sell", "99", "tk-1"),
        (maker, "buy", "99.4", "mm-2"),
    ):
        trader.gateway.create_limit_order(
            symbol=xin_usdt,
            side=side,
            amount=Decimal("1"),
            price=Decimal(price),
            client_order_id=client_order_id,
        )
    pair = TradingPairFactory(exchange=ExchangeFactory(api_base_url=venue_url), symbol=xin_usdt)

    market = pair_market_read(pair=pair, depth=5, timeout_ms=2000)

    assert (market.rules.tick_size, market.rules.step_size) == (Decimal("0.01"), Decimal("0.001"))
    assert market.rules.min_notional == Decimal(1)
    assert [(level.price, level.amount) for level in market.book.bids] == [
        (Decimal("99.4"), Decimal("1"))
    ]
    assert market.book.asks == ()
    assert market.ticker.last == Decimal("99.5")


def test_an_unknown_pair_is_refused(venue_url, xin_usdt):
    pair = TradingPairFactory(exchange=ExchangeFactory(api_base_url=venue_url), symbol="NOPE/USDT")

    with pytest.raises(RejectedError) as refused:
        pair_market_read(pair=pair, depth=5, timeout_ms=2000)

    assert refused.value.detail["reason"] == "unknown_symbol"
