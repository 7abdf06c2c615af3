"""The operators' order admin: read-only facts, actions that need their permission and
leave an event with the operator's id."""

import pytest
from django.contrib.auth.models import Permission

from orders.models import MarketMakingOrder
from tests.orders.factories import MarketMakingOrderFactory

pytestmark = pytest.mark.django_db


def set_state(order, state):
    MarketMakingOrder.objects.filter(pk=order.pk).update(state=state)
    order.refresh_from_db()


def test_order_page_shows_the_order_and_cannot_edit_it(client, admin_client_user):
    order = MarketMakingOrderFactory()
    client.force_login(admin_client_user)
    page = client.get(f"/admin/orders/marketmakingorder/{order.pk}/change/")
    assert page.status_code == 200
    assert order.memo in page.content.decode()
    assert client.get("/admin/orders/marketmakingorder/add/").status_code == 403


def test_queue_withdrawal_action_records_the_operator(
    client, admin_client_user, django_capture_on_commit_callbacks
):
    order = MarketMakingOrderFactory()
    set_state(order, "payment_complete")
    client.force_login(admin_client_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            "/admin/orders/marketmakingorder/",
            {"action": "queue_withdrawal", "_selected_action": [str(order.pk)]},
        )
    assert len(callbacks) == 1
    event = order.events.get(kind="withdrawal_queued")
    assert event.actor == f"operator:{admin_client_user.pk}"


def test_recovery_needs_its_permission(client, django_user_model):
    staff = django_user_model.objects.create_user(username="ops", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_marketmakingorder", "change_marketmakingorder"]
        )
    )
    order = MarketMakingOrderFactory()
    set_state(order, "failed")
    client.force_login(staff)
    listing = client.get("/admin/orders/marketmakingorder/")
    assert "approve_recovery_refund" not in listing.content.decode()

    staff.user_permissions.add(Permission.objects.get(codename="approve_recovery"))
    listing = client.get("/admin/orders/marketmakingorder/")
    assert "approve_recovery_refund" in listing.content.decode()
