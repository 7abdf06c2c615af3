"""PnL comes from stored facts only: a real worker killed mid-order and replaced leaves the
order's figures as they were, and the fills after the restart add to them."""

import time

import pytest
from django.conf import settings
from django.utils import timezone

from orders.models import MarketMakingOrder
from reports.facts import fill_rows, funded_row, market_row
from reports.pnl import order_figures
from reports.selectors import order_pnl
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.workers import (
    Processes,
    fills_of,
    order_running_with_a_fill,
    purge_broker,
    state_of,
    wait_for,
)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_restart_mid_order_changes_no_figure(world, django_user_model, tmp_path):
    purge_broker()
    processes = Processes(world, tmp_path)
    first = processes.worker()
    processes.beat()
    try:
        order_id = order_running_with_a_fill(world, django_user_model)[1]["id"]
        order = MarketMakingOrder.objects.get(pk=order_id)
        before_at = timezone.now()
        # A snapshot of the slot before `before_at` is written a moment after its slot, or
        # never (its task expires with the slot): after one interval every fact as of
        # `before_at` is stored, so the figures as of then are final.
        time.sleep(settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS + 1)
        before = order_pnl(order=order, until=before_at)
        assert before["activity"]["fills"]["count"] == fills_of(order_id)
        # The mark: the latest sampled mid once the beat took a snapshot, else the last fill.
        assert before["mark"]["source"] in ("snapshot_mid", "last_fill")

        first.kill()  # mid-order: quotes rest on the book, the order is running
        first.wait(timeout=15)
        time.sleep(1)
        processes.worker()
        wait_for(
            lambda: {o["side"].lower() for o in world.our_open_orders()} == {"buy", "sell"},
            timeout=60,
            what="quotes on both sides again after the restart",
        )
        world.take_our_best_bid()
        settled = fills_of(order_id) + 1
        wait_for(lambda: fills_of(order_id) >= settled, timeout=60, what="a fill after restart")
    except AssertionError:
        print(processes.logs()[-20000:])
        raise
    finally:
        processes.stop()

    assert state_of(order_id) == "running"
    # The figures as of before the restart are what they were.
    assert order_pnl(order=order, until=before_at) == before
    # And now they carry on from there rather than starting again.
    after = order_pnl(order=order)
    fills = fill_rows(order_id=order.pk)
    assert after["activity"]["fills"]["count"] == len(fills) == settled
    assert after["activity"]["fills"]["count"] > before["activity"]["fills"]["count"]
    recomputed = order_figures(
        market=market_row(order.pair),
        funded=funded_row(order),
        fills=fills,
        exchange_orders=[],
        mark=after["mark"],
        fee_rates={},
    )
    for figure in ("realized_pnl", "position_base", "trade_pnl", "total_pnl"):
        assert after[figure] == recomputed[figure]
