from tests.strategy.builders import dropped, market, params, quotes, tick


def test_quotes_that_would_trade_at_once_are_dropped():
    at_the_ask = params(price_type="best_ask", bid_spread="0", ask_spread="0.01")
    decision = tick(at_the_ask, market("99.9", "100.1"))
    assert quotes(decision, "buy") == []
    assert dropped(decision) == [("buy", 0, "would_take")]

    at_the_bid = params(price_type="best_bid", bid_spread="0.01", ask_spread="0")
    assert dropped(tick(at_the_bid, market("99.9", "100.1"))) == [("sell", 0, "would_take")]


def test_take_if_crossed_lets_crossing_quotes_through():
    strategy = params(price_type="best_ask", bid_spread="0", take_if_crossed=True)
    decision = tick(strategy, market("99.9", "100.1"))
    assert quotes(decision, "buy") == [("100.1", "1", 0)]
    assert decision.dropped == ()


def test_a_reference_market_price_far_from_the_book_cannot_make_us_cross_it():
    from tests.strategy.builders import Book, D

    elsewhere = Book(bids=((D("109.9"), D("1")),), asks=((D("110.1"), D("1")),))
    strategy = params(reference_market={"exchange": "other", "symbol": "TK/USDT"})
    decision = tick(strategy, market("99.9", "100.1", reference_book=elsewhere))
    assert str(decision.reference_price) == "110.0"
    assert quotes(decision, "buy") == []  # 108.9 would take the 100.1 ask
    assert quotes(decision, "sell") == [("111.1", "1", 0)]
    assert dropped(decision) == [("buy", 0, "would_take")]
