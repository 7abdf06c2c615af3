"""The global kill switch: only admins holding its permission toggle it, it is audited,
every running order is told why, and ticks cancel everything while it is engaged."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission

from executor.models import GlobalKillSwitch
from executor.services import global_kill_switch_set
from tests.executor.harness import Market, events

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create(username="risk-officer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="toggle_global_kill_switch"))
    return django_user_model.objects.get(pk=user.pk)


def test_engaging_stops_every_order_and_says_why(operator, cancels):
    market = Market.open()
    first, second = market.running_order(), market.running_order()
    market.tick()
    assert len(market.venue_open_orders(first.api_key)) == 4

    global_kill_switch_set(engaged=True, reason="exchange incident", user=operator)

    assert sorted(c["order_id"] for c in cancels) == sorted([str(first.pk), str(second.pk)])
    for order in (first, second):
        (event,) = events(order, "global_kill_switch_engaged")
        assert event.reason == "exchange incident" and event.actor == f"operator:{operator.pk}"
    entry = LogEntry.objects.get_for_object(GlobalKillSwitch.objects.get()).latest("timestamp")
    assert entry.changes_dict["engaged"][-1] == "True"
    assert entry.changes_dict["reason"][-1] == "exchange incident"

    market.tick(seconds=30)
    assert market.venue_open_orders(first.api_key) == []

    global_kill_switch_set(engaged=False, reason="incident over", user=operator)
    market.tick(seconds=30)
    assert len(market.venue_open_orders(first.api_key)) == 4


def test_without_the_permission_nothing_changes(django_user_model, cancels):
    clerk = django_user_model.objects.create(username="clerk", is_staff=True)
    with pytest.raises(PermissionError):
        global_kill_switch_set(engaged=True, reason="oops", user=clerk)
    assert not GlobalKillSwitch.objects.filter(engaged=True).exists()
    assert cancels == []
