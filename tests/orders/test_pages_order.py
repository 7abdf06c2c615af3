"""The order page's first screen, rendered on the server: words for the state, controls
enabled only where the state machine lets them act, and the API URLs its script follows."""

import json
import re
import uuid

import pytest
from django.urls import reverse

from tests.orders.pages_helpers import demo_user, order_put_in_state, xin_order

pytestmark = pytest.mark.django_db


def _page(client, order) -> str:
    return client.get(reverse("order-page", args=[order.pk])).content.decode()


def _enabled_controls(page: str) -> set[str]:
    buttons = re.findall(r'<button type="button" data-action="(\w+)"[^>]*?(\sdisabled)?>', page)
    return {name for name, disabled in buttons if not disabled}


@pytest.mark.parametrize(
    ("state", "enabled"),
    [
        ("payment_pending", set()),
        ("running", {"pause", "stop", "exit"}),
        ("paused", {"resume", "stop", "exit"}),
        ("stopped", {"resume", "exit"}),
        ("exit_withdrawing", set()),
        ("exited", set()),
    ],
)
def test_controls_are_enabled_only_where_they_can_act(client, demo_world, state, enabled):
    order = order_put_in_state(xin_order(demo_world), state)
    client.force_login(demo_user())
    assert _enabled_controls(_page(client, order)) == enabled


def test_the_page_shows_the_state_in_words_and_no_raw_name_or_asset_id(client, demo_world):
    order = order_put_in_state(xin_order(demo_world), "running")
    client.force_login(demo_user())
    page = _page(client, order)
    visible = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "Quoting" in visible and "The order is quoting on the exchange." in visible
    assert ">running<" not in visible
    assert str(order.pair.base_asset_id) not in visible
    config = json.loads(re.search(r'id="order-config"[^>]*>(.*?)</script>', page, re.S)[1])
    assert config["activityUrl"] == reverse("market-making-order-activity", args=[order.pk])
    assert config["resultUrl"] == reverse("market-making-order-result", args=[order.pk])
    assert config["assets"][str(order.pair.base_asset_id)]["symbol"] == "XIN"


def test_the_payment_link_is_offered_only_before_payment(client, demo_world):
    order = xin_order(demo_world)
    client.force_login(demo_user())
    assert reverse("order-pay", args=[order.pk]) in _page(client, order)


def test_an_unknown_order_is_a_404(client, demo_world):
    client.force_login(demo_user())
    assert client.get(reverse("order-page", args=[uuid.uuid4()])).status_code == 404
