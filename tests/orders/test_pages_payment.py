import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from orders.selectors import order_payment
from tests.orders.pages_helpers import demo_user, order_put_in_state, xin_order

pytestmark = pytest.mark.django_db


def test_the_payment_page_shows_the_invoice_link_its_qr_code_and_the_simulator_page(
    client, demo_world
):
    order = xin_order(demo_world)
    client.force_login(demo_user())
    page = client.get(reverse("order-pay", args=[order.pk])).content.decode()

    pay_url = order_payment(order=order)["url"]
    assert pay_url.startswith("https://mixin.one/pay/")
    assert f'href="{pay_url}"' in page
    assert re.search(r"<svg[^>]*>.*</svg>", page, re.S), "the QR code is inline SVG"
    link = re.search(r'id="pay-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith(demo_world.mixin_url + "/?")
    assert parse_qs(urlsplit(link).query)["url"] == [pay_url]
    # Every invoice entry with its amount: both legs and the withdrawal fees.
    for entry in order.payment_entries.all():
        assert entry.get_purpose_display() in page
    assert page.count('data-bind="payment.entries.') == order.payment_entries.count()


def test_the_invoice_is_hidden_once_the_order_is_paid(client, demo_world):
    order = order_put_in_state(xin_order(demo_world), "payment_complete")
    client.force_login(demo_user())
    page = client.get(reverse("order-pay", args=[order.pk])).content.decode()
    assert '<div id="invoice" hidden>' in page


def test_someone_elses_payment_and_order_pages_do_not_exist(client, demo_world, django_user_model):
    order = xin_order(demo_world)
    client.force_login(django_user_model.objects.create_user(username="someone"))
    assert client.get(reverse("order-pay", args=[order.pk])).status_code == 404
    assert client.get(reverse("order-page", args=[order.pk])).status_code == 404
