"""PnL of a small fill sequence, worked out by hand: fees in base, in quote and in a third
asset, a position that flips, and the exit that cancels what rests."""

from decimal import Decimal, localcontext

from reports.pnl import figures_sum, order_figures

D = Decimal
MARKET = {"base": "XIN", "quote": "USDT"}
FUNDED = {"base": "10", "quote": "1000"}
BNB_AT_300 = {"BNB": {"rate": "300", "source": "BNB/USDT last_fill", "at": None}}


def fill(n, side, price, amount, fee, fee_asset, maker=True):
    return {
        "trade_id": str(n),
        "client_order_id": f"mm.{n}",
        "side": side,
        "price": price,
        "amount": amount,
        "fee": fee,
        "fee_asset": fee_asset,
        "is_maker": maker,
        "traded_at": f"2026-12-01T00:00:0{n}.000000Z",
        "ledger_key": f"o:fill:{n}",
    }


FILLS = [
    fill(1, "buy", "100", "2", "0.002", "XIN"),  # fee in base: 0.002 × 100 = 0.2 USDT
    fill(2, "buy", "106", "1", "0.106", "USDT", maker=False),  # long 3 at 102
    fill(3, "sell", "110", "2", "0.001", "BNB"),  # realizes 2 × (110 − 102) = 16; 0.3 USDT
    fill(4, "sell", "104", "1.5", "0.156", "USDT"),  # closes 1 (+2), opens short 0.5 at 104
]


def exchange_order(n, status, cancel_reason="", error_class="", exchange_id="x"):
    return {
        "client_order_id": f"mm.{n}",
        "exchange_order_id": exchange_id,
        "status": status,
        "cancel_reason": cancel_reason,
        "error_class": error_class,
        "created_at": f"2026-12-01T00:00:0{n}.000000Z",
    }


ORDERS = [
    exchange_order(1, "filled"),
    exchange_order(2, "filled"),
    exchange_order(3, "cancelled", "refresh"),
    exchange_order(4, "failed", error_class="RejectedError", exchange_id=""),
    exchange_order(5, "cancelled", "exit"),  # the exit cancels what rests
    exchange_order(6, "filled", "refresh"),  # asked to cancel, but it filled first
    exchange_order(7, "cancelled"),  # the venue ended it (expired) without our asking
]
MARK = {"price": "100", "at": "2026-12-01T00:00:09.000000Z", "source": "last_fill"}


def figures(**changes):
    arguments = {
        "market": MARKET,
        "funded": FUNDED,
        "fills": FILLS,
        "exchange_orders": ORDERS,
        "mark": MARK,
        "fee_rates": BNB_AT_300,
    } | changes
    return order_figures(**arguments)


def test_realized_and_unrealized_by_average_cost():
    f = figures()
    assert D(f["realized_pnl"]) == D("18")
    assert D(f["position_base"]) == D("-0.5") and D(f["average_cost"]) == D("104")
    assert D(f["unrealized_pnl"]) == D("2")  # short 0.5 from 104, mark 100


def test_hold_against_current_and_fees_in_quote():
    f = figures()
    assert f["inventory"]["traded"] == {"base": "9.5", "quote": "1070"}
    assert f["inventory"]["after_fees"] == {"base": "9.498", "quote": "1069.738"}
    assert D(f["hold_value"]) == D("2000")  # 10 × 100 + 1000
    assert D(f["current_value"]) == D("2020")  # 9.5 × 100 + 1070
    assert D(f["trade_pnl"]) == D("20") == D(f["realized_pnl"]) + D(f["unrealized_pnl"])
    fees = f["activity"]["fees"]
    assert D(fees["in_quote"]) == D("0.762")  # 0.2 + 0.106 + 0.3 + 0.156
    assert fees["paid"] == {"BNB": "0.001", "USDT": "0.262", "XIN": "0.002"}
    assert fees["unconverted"] == {}
    assert D(f["total_pnl"]) == D("19.238")
    assert D(f["return"]) == D("0.009619")


def test_a_third_asset_without_a_rate_is_listed_not_guessed():
    f = figures(fee_rates={})
    fees = f["activity"]["fees"]
    assert fees["unconverted"] == {"BNB": "0.001"}
    assert D(fees["in_quote"]) == D("0.462")
    assert D(f["total_pnl"]) == D("19.538")


def test_volume_counts_and_orders_by_reason():
    activity = figures()["activity"]
    assert activity["volume"] == {"base": "6.5", "quote": "682"}
    assert D(activity["average_price"]["buy"]) == D("102")
    with localcontext() as ctx:
        ctx.prec = 40
        assert D(activity["average_price"]["sell"]) == D(376) / D("3.5")
    assert activity["fills"] == {
        "count": 4,
        "maker_buy": 1,
        "maker_sell": 2,
        "taker_buy": 1,
        "taker_sell": 0,
    }
    assert activity["orders"] == {
        "placed": 6,
        "cancelled": {"exchange": 1, "exit": 1, "refresh": 1},
        "rejected": {"RejectedError": 1},
    }


def test_a_window_counts_its_activity_and_values_the_whole_position():
    f = figures(since="2026-12-01T00:00:03.000000Z")
    assert D(f["realized_pnl"]) == D("18")  # the cost basis comes from the earlier buys
    assert f["activity"]["fills"]["count"] == 2
    assert f["activity"]["volume"] == {"base": "3.5", "quote": "376"}


def test_without_a_mark_nothing_is_valued():
    f = figures(mark=None)
    assert f["realized_pnl"] == "18"
    assert f["unrealized_pnl"] is None and f["total_pnl"] is None and f["return"] is None


def test_sums_add_the_figures_of_several_orders():
    total = figures_sum([figures(), figures(fee_rates={})])
    assert total["orders"] == 2
    assert D(total["total_pnl"]) == D("19.238") + D("19.538")
    assert D(total["volume_quote"]) == D("1364")
    assert total["counts"]["maker_sell"] == 4
    assert total["counts"]["cancelled_exit"] == 2
    assert total["counts"]["orders_placed"] == 12
