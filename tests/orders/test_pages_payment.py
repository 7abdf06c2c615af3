import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from orders.page_words import PURPOSE_WORDS
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
    # Every invoice entry in words with its amount, and the total per asset.
    for entry in order.payment_entries.all():
        assert str(PURPOSE_WORDS[entry.purpose]) in page
    rows = re.search(r"<tbody>(.*?)</tbody>", page, re.S)[1]
    assert rows.count("<tr>") == order.payment_entries.count()
    assert "Total" in page
    assert str(order.pair.base_asset_id) not in page


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ("payment_pending", "Waiting for your payment."),
        ("deposit_confirming", "The exchange sees the deposit and is confirming it."),
        ("running", "The order is quoting on the exchange."),
        ("exited", "The order is finished and its funds were paid back to you."),
        ("refunded", "What was paid has been refunded to you."),
    ],
)
def test_the_page_says_what_the_state_means(client, demo_world, state, words):
    order = order_put_in_state(xin_order(demo_world), state)
    client.force_login(demo_user())
    page = client.get(reverse("order-pay", args=[order.pk])).content.decode()
    assert f'<span id="progress" x-text="sentence()">{words}</span>' in page
    visible = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "on their way to the exchange" not in visible


def test_the_steps_ahead_are_marked_done_as_the_order_advances(client, demo_world):
    order = order_put_in_state(xin_order(demo_world), "deposit_confirming")
    client.force_login(demo_user())
    page = client.get(reverse("order-pay", args=[order.pk])).content.decode()
    pattern = r'<li [^>]*class="(done)?">\s*<span>([^<]+)</span> <span class="note">usually'
    steps = re.findall(pattern, page)
    assert [done == "done" for done, _ in steps] == [True, True, True, False]


def test_someone_elses_payment_and_order_pages_do_not_exist(client, demo_world, django_user_model):
    order = xin_order(demo_world)
    client.force_login(django_user_model.objects.create_user(username="someone"))
    assert client.get(reverse("order-pay", args=[order.pk])).status_code == 404
    assert client.get(reverse("order-page", args=[order.pk])).status_code == 404
