import pytest
from django.urls import reverse

from tests.orders.pages_helpers import demo_user, xin_order

pytestmark = pytest.mark.django_db


def test_a_visitor_is_offered_the_mixin_login(client):
    page = client.get("/").content.decode()
    assert f'href="{reverse("mixin-login")}?next=/"' in page
    assert "Your orders" not in page


def test_the_create_page_sends_a_visitor_to_the_mixin_login_first(client):
    response = client.get(reverse("order-create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mixin-login") + "?next=")


def test_a_user_sees_their_own_orders_and_nobody_elses(client, demo_world, django_user_model):
    mine = xin_order(demo_world)
    someone = django_user_model.objects.create_user(username="someone")
    client.force_login(someone)
    assert str(mine.pk) not in client.get("/").content.decode()

    client.force_login(demo_user())
    page = client.get("/").content.decode()
    assert reverse("order-page", args=[mine.pk]) in page
    assert "payment_pending" in page
    assert "XIN/USDT" in page
