import uuid

import pytest
from django.urls import reverse

from tests.orders.pages_helpers import demo_user, order_put_in_state, xin_order

pytestmark = pytest.mark.django_db


def test_the_order_page_shows_legs_timeline_and_a_button_per_action(client, demo_world):
    order = xin_order(demo_world)
    client.force_login(demo_user())
    page = client.get(reverse("order-page", args=[order.pk])).content.decode()

    for leg in order.legs.all():
        assert f"{leg.leg} (" in page
        assert leg.network in page
    assert "order created; waiting for payment" in page  # the timeline's first event
    created = order.events.get().created_at.strftime("%Y-%m-%d %H:%M:%S")
    assert f"<tr><td>{created}</td>" in page
    for action in ("pause", "resume", "stop", "exit"):
        url = reverse(f"market-making-order-{action}", args=[order.pk])
        assert f'data-action="{action}" data-url="{url}"' in page
    assert 'name="csrfmiddlewaretoken"' in page  # the buttons' POSTs carry it
    assert order.trace_id in page


def test_a_running_order_shows_its_state_and_the_page_offers_payment_only_before(
    client, demo_world
):
    order = xin_order(demo_world)
    client.force_login(demo_user())
    assert (
        reverse("order-pay", args=[order.pk])
        in client.get(reverse("order-page", args=[order.pk])).content.decode()
    )

    order_put_in_state(order, "running")
    page = client.get(reverse("order-page", args=[order.pk])).content.decode()
    assert 'class="state running" data-bind="state">running<' in page
    assert reverse("order-pay", args=[order.pk]) not in page


def test_an_unknown_order_is_a_404(client, demo_world):
    client.force_login(demo_user())
    assert client.get(reverse("order-page", args=[uuid.uuid4()])).status_code == 404
