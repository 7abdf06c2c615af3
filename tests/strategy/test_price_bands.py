from datetime import timedelta

from tests.strategy.builders import T0, dropped, market, params, quotes, tick


def test_at_or_above_the_price_ceiling_no_buys_are_placed():
    decision = tick(params(price_ceiling="100"), market("99.9", "100.1"))
    assert quotes(decision, "buy") == []
    assert quotes(decision, "sell") == [("101", "1", 0)]
    assert dropped(decision) == [("buy", 0, "price_ceiling")]


def test_at_or_below_the_price_floor_no_sells_are_placed():
    decision = tick(params(price_floor="100", order_levels=2), market("99.9", "100.1"))
    assert quotes(decision, "sell") == []
    assert dropped(decision) == [("sell", 0, "price_floor"), ("sell", 1, "price_floor")]


def test_inside_the_static_band_both_sides_quote():
    decision = tick(params(price_floor="99", price_ceiling="101"))
    assert len(decision.create) == 2 and decision.dropped == ()


def test_the_moving_band_follows_the_price_at_its_refresh_time():
    strategy = params(
        moving_price_band_enabled=True,
        moving_price_band_ceiling_pct="0.02",
        moving_price_band_floor_pct="0.02",
        moving_price_band_refresh_time=60,
        order_refresh_time=1,
    )
    first = tick(strategy, market("99.9", "100.1"), now=T0)
    assert first.state.band_anchor_price == 100 and first.state.band_anchored_at == T0

    # 10 s later the price is 3% up: above the 2% ceiling, so no buys.
    jumped = tick(
        strategy, market("102.9", "103.1"), now=T0 + timedelta(seconds=10), state=first.state
    )
    assert quotes(jumped, "buy") == []
    assert dropped(jumped) == [("buy", 0, "moving_band_ceiling")]
    assert jumped.state.band_anchor_price == 100

    # Once the band refresh time has passed the band re-anchors at the new price.
    later = tick(
        strategy, market("102.9", "103.1"), now=T0 + timedelta(seconds=60), state=jumped.state
    )
    assert later.state.band_anchor_price == 103
    assert len(quotes(later, "buy")) == 1 and later.dropped == ()


def test_below_the_moving_band_floor_no_sells_are_placed():
    strategy = params(moving_price_band_enabled=True, order_refresh_time=1)
    first = tick(strategy, market("99.9", "100.1"))
    fallen = tick(
        strategy, market("98.9", "99.1"), now=T0 + timedelta(seconds=5), state=first.state
    )
    assert dropped(fallen) == [("sell", 0, "moving_band_floor")]
