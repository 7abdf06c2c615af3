from decimal import Decimal

import pytest

from strategy import StrategyState
from tests.strategy.builders import Book, dropped, market, params, tick


@pytest.mark.parametrize(
    ("price_type", "expected"),
    [
        ("mid_price", "100"),
        ("microprice", "99.5"),  # (99 × 3 + 101 × 1) / 4: the thin bid side is likelier to go
        ("best_bid", "99"),
        ("best_ask", "101"),
        ("last_price", "100.7"),
    ],
)
def test_each_price_type_reads_its_price_from_the_book(price_type, expected):
    snapshot = market("99", "101", bid_size="1", ask_size="3", last="100.7")
    decision = tick(params(price_type=price_type), snapshot)
    assert decision.reference_price == Decimal(expected)


def test_last_own_trade_price_falls_back_to_the_mid_until_the_first_fill():
    strategy = params(price_type="last_own_trade_price")
    assert tick(strategy, market("99", "101")).reference_price == 100
    after_fill = StrategyState(last_own_trade_price=Decimal("100.3"))
    assert tick(strategy, market("99", "101"), state=after_fill).reference_price == Decimal("100.3")


def test_a_reference_market_supplies_the_price_when_configured():
    other = Book(bids=((Decimal("49"), Decimal("1")),), asks=((Decimal("51"), Decimal("1")),))
    strategy = params(reference_market={"exchange": "Other", "symbol": "TK/USDT"})
    assert tick(strategy, market("49.5", "50.5", reference_book=other)).reference_price == 50


def test_without_a_price_nothing_is_quoted_and_every_level_says_why():
    strategy = params(reference_market={"exchange": "Other", "symbol": "TK/USDT"}, order_levels=2)
    decision = tick(strategy, market())  # the reference market's book is missing
    assert decision.reference_price is None and decision.create == ()
    assert dropped(decision) == [
        ("buy", 0, "no_reference_price"),
        ("buy", 1, "no_reference_price"),
        ("sell", 0, "no_reference_price"),
        ("sell", 1, "no_reference_price"),
    ]
    empty_last = tick(params(price_type="last_price"), market())
    assert empty_last.reference_price is None
