"""Every row a tick writes for an order carries that order's own trace id (the market's
tick has a trace of its own, for its logs): tracked exchange orders, fills, executor events
and ledger transactions. Two orders on one market keep theirs apart."""

import pytest
from django.db.models import Q

from executor.models import ExchangeFill, ExecutorEvent, TrackedOrder
from ledger.models import Transaction
from tests.executor.harness import Market, tracked

pytestmark = pytest.mark.django_db(transaction=True)


def test_rows_of_each_order_carry_its_trace_id():
    market = Market.open()
    first = market.running_order(xin="10", usdt="2000")
    second = market.running_order(xin="10", usdt="2000", params={"order_refresh_time": 1})
    assert first.trace_id != second.trace_id
    market.tick()
    bid = next(t for t in tracked(first) if t.side == "buy")
    market.hit(bid, "1")  # fills the bid completely: settled, then released
    market.tick(seconds=1)
    market.quote_book(bid=None, ask="100.1")  # one side missing: stale-data events
    market.tick(seconds=1)

    for order in (first, second):
        order_key = Q(idempotency_key__startswith=str(order.pk))
        postings = Transaction.objects.filter(order_key)
        rows = {
            "tracked": set(
                TrackedOrder.objects.filter(order=order).values_list("trace_id", flat=True)
            ),
            "events": set(
                ExecutorEvent.objects.filter(order=order).values_list("trace_id", flat=True)
            ),
            "ledger": set(
                postings.exclude(code="deposit_confirmed").values_list("trace_id", flat=True)
            ),
        }
        assert rows == {name: {order.trace_id} for name in rows}, order
        assert postings.filter(code="reserve_lock").exists()
    fill = ExchangeFill.objects.get()
    assert fill.trace_id == first.trace_id
    assert Transaction.objects.get(idempotency_key=fill.ledger_key).trace_id == first.trace_id
    assert (
        Transaction.objects.filter(
            code="reserve_release", idempotency_key__startswith=str(first.pk)
        ).values_list("trace_id", flat=True)[0]
        == first.trace_id
    )
