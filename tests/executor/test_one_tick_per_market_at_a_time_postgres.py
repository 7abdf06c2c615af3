"""Two workers ticking one market at once: the lease lets one through, the other does
nothing, and the book holds one set of quotes."""

import threading
import time

import pytest
from django.db import connection

from executor.services import MarketBusy, executor_order_cancel_all, executor_tick_market
from tests.conftest import requires_postgres
from tests.executor.harness import Market, tracked

pytestmark = [pytest.mark.django_db(transaction=True), requires_postgres]


class SlowBook:
    def __init__(self, inner, started: threading.Event):
        self.inner, self.started = inner, started

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def order_book(self, **kwargs):
        self.started.set()
        time.sleep(0.5)
        return self.inner.order_book(**kwargs)


def test_a_concurrent_tick_and_cancel_all_wait_for_the_lease():
    market = Market.open()
    order = market.running_order()
    started = threading.Event()
    real = market.gateway_for
    reports = []

    def slow_tick():
        try:
            reports.append(
                executor_tick_market(
                    pair_id=market.pair.pk,
                    now=market.now,
                    gateway_for=lambda key_id: SlowBook(real(key_id), started),
                )
            )
        finally:
            connection.close()

    worker = threading.Thread(target=slow_tick)
    worker.start()
    assert started.wait(5)
    second = executor_tick_market(pair_id=market.pair.pk, now=market.now, gateway_for=real)
    with pytest.raises(MarketBusy):
        executor_order_cancel_all(
            order_id=order.pk, reason="stop", stop_quoting=False, gateway_for=real
        )
    worker.join()

    assert second.skipped and not reports[0].skipped
    assert len(tracked(order)) == 2
    assert len(market.venue_open_orders(order.api_key)) == 2
