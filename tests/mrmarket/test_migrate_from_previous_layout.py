"""An installation of the previous layout upgrades in place while an order runs.

The previous layout (bdc4423) kept the executor's models in the `orders` app; the new one
moves them to `executor` in Django's state only (the tables keep their `orders_*` names)
and relabels their content types. Here an order runs on the simulators, with quotes on
the book and a fill settled; the database is taken back to the previous layout's
migrations, which leaves the schema an old installation has with the rows in it as such
an installation holds them; there, through the previous layout's models, the global kill
switch is left released and an operators' group is granted its toggle permission on the
old content type; then the database is migrated to the newest migrations, whatever they
are by now. With today's code the rows are intact, the order keeps quoting and trading,
it exits and the user is paid back, and the switch and the permission hold under
`executor`.

The order is made by the funds loop and the executor rather than written row by row: the
restructure moved their code without changing what it writes, and only so does the venue
really hold the quotes and balances the rows speak of.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from executor.models import LIVE_STATUSES, ExchangeFill, ExecutorState, TrackedOrder
from executor.services import executor_tick_market, global_kill_switch_set
from ledger.models import Entry, Transaction
from ledger.selectors import ledger_violations, order_balances
from orders.models import MarketMakingOrder, Payout
from tests.mrmarket.migration_states import migrate_to, newest_targets, previous_layout_targets
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_exit import assert_paid_back, request_exit, running_order
from tests.orders.loop.workers import purge_broker

# Migrations change the schema, which cannot happen inside the test's transaction; and
# being transactional, the test's on-commit jobs go to the broker, purged after it.
pytestmark = pytest.mark.django_db(transaction=True)

KILL_SWITCH_TOGGLE = "toggle_global_kill_switch"


@pytest.fixture
def newest_migrations_after(db):
    """The tests after this one find the database at the newest migrations, even when
    this one fails half-way."""
    yield
    migrate_to(newest_targets())
    purge_broker()


def order_rows(order: MarketMakingOrder) -> dict:
    """What the upgrade must keep of a running order, read with today's models."""
    tracked = TrackedOrder.objects.filter(order=order)
    return {
        "state": MarketMakingOrder.objects.values_list("state", "config_hash").get(pk=order.pk),
        "legs": sorted(order.legs.values_list("leg", "asset_id", "amount", "deposited_amount")),
        "tracked": sorted(
            tracked.values_list(
                "client_order_id",
                "exchange_order_id",
                "side",
                "status",
                "price",
                "amount",
                "filled_amount",
                "settled_amount",
                "reserved_amount",
                "consumed_amount",
                "released",
            )
        ),
        "fills": sorted(
            ExchangeFill.objects.filter(tracked_order__order=order).values_list(
                "trade_id", "side", "price", "amount", "fee", "ledger_key"
            )
        ),
        "executor": ExecutorState.objects.values_list(
            "next_sequence", "kill_switch_tripped", "strategy_state"
        ).get(order=order),
        "balances": order_balances(order_id=order.pk),
        "ledger": (Transaction.objects.count(), Entry.objects.count()),
    }


def resting_client_ids(world) -> set[str]:
    return {o["client_order_id"] for o in world.our_open_orders()}


def test_running_order_keeps_running_and_exits_after_the_upgrade(
    world, django_user_model, newest_migrations_after
):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order, body = running_order(world, user)
    world.take_our_best_ask()
    world.step(order)  # the tick settles the fill
    before = order_rows(order)
    assert before["state"][0] == "running" and before["fills"]
    live = {row[0] for row in before["tracked"] if row[3] in LIVE_STATUSES}
    assert live and resting_client_ids(world) == live

    old = migrate_to(previous_layout_targets())
    assert "executor" not in {model._meta.app_label for model in old.get_models()}
    # The previous layout's models see the executor's rows in their `orders` tables.
    assert old.get_model("orders", "ExecutorState").objects.filter(order_id=order.pk).exists()
    assert set(
        old.get_model("orders", "TrackedOrder")
        .objects.filter(order_id=order.pk)
        .values_list("client_order_id", flat=True)
    ) == {row[0] for row in before["tracked"]}
    assert old.get_model("orders", "ExchangeFill").objects.count() == len(before["fills"])
    # The kill switch as an operator left it, and an operator group given the permission
    # to toggle it, as the previous layout's admin named them.
    old.get_model("orders", "GlobalKillSwitch").objects.update_or_create(
        pk=1, defaults={"engaged": False, "reason": "released before the upgrade"}
    )
    kill_switch_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="orders", model="globalkillswitch"
    )
    toggle, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=kill_switch_type,
        codename=KILL_SWITCH_TOGGLE,
        defaults={"name": "Can engage or release the global kill switch"},
    )
    old.get_model("auth", "Group").objects.create(name="operators").permissions.add(toggle)

    migrate_to(newest_targets())

    assert order_rows(order) == before
    assert ledger_violations() == []
    operator = django_user_model.objects.create_user(username="operator")
    operator.groups.add(Group.objects.get(name="operators"))
    assert operator.has_perm(f"executor.{KILL_SWITCH_TOGGLE}")
    switch = global_kill_switch_set(engaged=False, reason="still released", user=operator)
    assert switch.reason == "released before the upgrade"  # released already: unchanged

    # The executor still quotes the order: it keeps its quotes on the venue, settles the
    # next fill and, once the strategy's delay after a fill has passed, quotes that level
    # again.
    world.step(order)
    live = TrackedOrder.objects.filter(order=order, status__in=LIVE_STATUSES)
    assert resting_client_ids(world) == set(live.values_list("client_order_id", flat=True))
    price = world.take_our_best_bid()
    world.step(order)
    bought = ExchangeFill.objects.filter(tracked_order__order=order, side="buy")
    assert {fill.price for fill in bought} == {price}
    after_the_delay = timezone.now() + timedelta(
        seconds=order.frozen_config["filled_order_delay"] + 1
    )
    report = executor_tick_market(pair_id=order.pair_id, now=after_the_delay)
    assert report.created > 0
    assert ExecutorState.objects.get(order=order).next_sequence > before["executor"][0]
    assert {o["side"].lower() for o in world.our_open_orders()} == {"buy", "sell"}

    request_exit(user, order)
    order = world.drive(order, until="exited", timeout=30)
    assert world.our_open_orders() == []
    assert {str(p.asset_id) for p in Payout.objects.filter(order=order)} == {XIN, USDT}
    assert_paid_back(world, user, order, body)
