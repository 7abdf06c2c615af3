"""An existing database migrates in place: executor/0002 copies each registered order's
pair, key, frozen config, hash and trace into its executor state, and only running orders
quote afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from executor.models import ExecutorState
from orders.models import MarketMakingOrder
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("executor", "0001_initial")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_running_orders_quote_and_the_others_do_not():
    market = Market.open()
    orders = {state: market.running_order() for state in ("running", "paused", "stopped")}
    for state, order in orders.items():
        MarketMakingOrder.objects.filter(pk=order.pk).update(state=state)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("executor")

    migrate(BEFORE)  # the previous layout: the state rows without the order's facts
    migrate(latest)

    for state, order in orders.items():
        copied = ExecutorState.objects.get(order=order)
        assert copied.quoting is (state == "running")
        assert (copied.pair_id, copied.api_key_id) == (order.pair_id, order.api_key_id)
        assert (copied.config, copied.config_hash) == (order.frozen_config, order.config_hash)
        assert copied.trace_id == order.trace_id
    assert market.tick().orders == 1
