"""Whatever mix of partial fills, book moves and ticks happens, once the quotes are cancelled
the ledger holds exactly what the exchange's trades say: nothing locked, the free balances
moved by the fills and their fees, and every ledger invariant intact."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from executor.models import ExchangeFill
from executor.services import executor_order_cancel_all
from ledger.selectors import ledger_violations
from tests.executor.harness import USDT, XIN, Market, balances, tracked

pytestmark = pytest.mark.django_db(transaction=True)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("hit"), st.sampled_from(["buy", "sell"]), st.integers(11, 1200)),
        st.tuples(st.just("move"), st.integers(-30, 30), st.just(0)),
        st.tuples(st.just("tick"), st.integers(1, 15), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions)
def test_after_cancel_all_the_ledger_matches_the_trades(steps):
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000", params={"order_levels": 2})
    market.tick()
    for kind, a, b in steps:
        if kind == "hit":
            resting = [
                r
                for r in tracked(order)
                if r.side == a and r.status in ("open", "partially_filled")
            ]
            if resting:
                quote = resting[0]
                amount = min(quote.remaining, Decimal(b) / 1000)
                if amount * quote.price >= 1:  # the venue's minimum notional
                    market.hit(quote, str(amount))
        elif kind == "move":
            mid = Decimal(100) + Decimal(a) / 10
            market.quote_book(bid=str(mid - Decimal("0.1")), ask=str(mid + Decimal("0.1")))
        else:
            market.tick(seconds=a)

    assert executor_order_cancel_all(
        order_id=order.pk, reason="check", stop_quoting=False, gateway_for=market.gateway_for
    )

    fills = ExchangeFill.objects.filter(tracked_order__order=order)
    bought = sum((f.amount for f in fills if f.side == "buy"), Decimal(0))
    sold = sum((f.amount for f in fills if f.side == "sell"), Decimal(0))
    spent = sum((f.amount * f.price for f in fills if f.side == "buy"), Decimal(0))
    received = sum((f.amount * f.price for f in fills if f.side == "sell"), Decimal(0))
    base_fees = sum((f.fee for f in fills if f.fee_asset == "XIN"), Decimal(0))
    quote_fees = sum((f.fee for f in fills if f.fee_asset == "USDT"), Decimal(0))
    xin, usdt = balances(order, XIN), balances(order, USDT)
    assert (xin.locked, usdt.locked) == (0, 0)
    assert xin.on_exchange == Decimal(10) + bought - sold - base_fees
    assert usdt.on_exchange == Decimal(2000) - spent + received - quote_fees
    assert {f.trade_id for f in fills} == {
        t.trade_id for t in market.gateway_for(order.api_key_id).my_trades(symbol="XIN/USDT")
    }
    assert ledger_violations() == []
