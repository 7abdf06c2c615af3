"""A person's path through the pages, in a real browser: log in with Mixin (on the Mixin
simulator's consent page), create an order with a dry run, see the invoice and its QR
code, pay it, and watch the payment page follow the state to running; on the order page
pause it (a second pause is refused with a 409) and exit: the funds come back to the user.

The test plays the parts that are not pages: it pays through the simulator's control API,
and runs the queued jobs as the worker and beat would (tests/e2e/conftest.py).
"""

import re
from decimal import Decimal

import pytest

from demo.services import DEMO_MIXIN_USER_ID
from orders.models import MarketMakingOrder
from wallet.client import mixin_client
from wallet.services.intake import snapshots_poll

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshots_poll() -> None:
    with mixin_client() as client:
        snapshots_poll(client=client)


def _state(order: MarketMakingOrder) -> str:
    order.refresh_from_db()
    return order.state


def test_login_create_pay_and_follow_the_order_in_a_browser(
    presets_seeded, live_server, demo_world, worker, page
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Log in with Mixin").first.click()

    # The Mixin simulator's consent page: pick the demo user, authorize.
    expect(page).to_have_url(re.compile(re.escape(demo_world.mixin_url) + "/oauth/authorize"))
    expect(page.locator(f'#user option[value="{DEMO_MIXIN_USER_ID}"]')).to_have_count(1)
    page.select_option("#user", str(DEMO_MIXIN_USER_ID))
    page.get_by_role("button", name="Authorize as the selected user").click()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Demo token creator")

    page.get_by_role("link", name="New order").first.click()
    pair = demo_world.pair("XIN/USDT")
    page.check(f'input[name=pair][value="{pair.pk}"]')
    page.check('input[name=preset][value="stable-depth"]')
    page.fill("input[name=base_amount]", "2")
    page.fill("input[name=quote_amount]", "300")
    page.locator("details summary").click()
    page.fill("input[name=override_order_amount]", "0.2")

    page.get_by_role("button", name="Dry run: preview the first quotes").click()
    expect(page.locator("#preview-result")).to_be_visible()
    expect(page.locator("#preview-orders tr").first).to_contain_text("buy")
    expect(page.locator("#preview-orders")).to_contain_text("sell")

    page.get_by_role("button", name="Create order and show the invoice").click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}/pay/$"))
    order = MarketMakingOrder.objects.get()
    expect(page.locator("[data-bind=state]")).to_have_text("payment_pending")
    expect(page.locator(".qr svg")).to_be_visible()
    pay_url = page.locator("#pay-url").get_attribute("href")
    assert pay_url.startswith("https://mixin.one/pay/")
    expect(page.locator("#pay-link")).to_have_attribute(
        "href", re.compile(re.escape(demo_world.mixin_url))
    )
    expect(page.locator("#progress")).to_have_text("Waiting for your payment…")
    # The API writes an unpaid 0 with 18 places ("0E-18"); the page shows it plainly.
    expect(page.locator('[data-bind="payment.entries.0.paid"]')).to_have_text("0")

    # The user pays on the simulator; the worker books it and moves the funds.
    demo_world.mixin_control(
        "POST", "/_sim/pay", {"payer_id": str(DEMO_MIXIN_USER_ID), "url": pay_url}
    )
    worker.run_until(
        lambda: _state(order) not in ("payment_pending", "payment_incomplete"),
        beat=_snapshots_poll,
    )
    assert order.state == "payment_complete"

    # The page follows the order by itself: no reload.
    expect(page.locator("[data-bind=state]")).to_have_text("payment_complete")
    expect(page.locator("#invoice")).to_be_hidden()
    expect(page.locator("#progress")).to_contain_text("on their way to the exchange")
    expect(page.locator('[data-bind="payment.entries.0.paid"]')).to_have_text("2")

    # Mixin → venue → deposit matched → the executor takes the order.
    worker.run_until(lambda: _state(order) == "running", beat=_snapshots_poll)
    expect(page.locator("[data-bind=state]")).to_have_text("running")
    expect(page.locator("#running-link")).to_be_visible()
    expect(page.locator("#progress")).to_have_text("")

    page.get_by_role("link", name="follow it on its page").click()
    expect(page.locator("#timeline")).to_contain_text("deposit_confirmed → running")
    for leg in order.legs.all():  # the external ids of each leg's way to the exchange
        assert leg.withdrawal_hash and leg.exchange_deposit_ref
        expect(page.locator("main")).to_contain_text(leg.withdrawal_hash)
        expect(page.locator("main")).to_contain_text(leg.exchange_deposit_ref)
    expect(page.locator("[data-bind=config_hash]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))

    # Each click is its own request; a refused one shows the 409 and the current state.
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#action-answer")).to_have_text("pause: accepted, the order is paused.")
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#action-answer")).to_contain_text("pause refused (409)")
    expect(page.locator("#action-answer")).to_contain_text("The order is paused.")
    expect(page.locator("#timeline")).to_contain_text("paused by the user")
    keys = list(order.action_requests.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == 2

    # Exit: the funds come back from the exchange and are paid to the demo user.
    page.get_by_role("button", name="Exit").click()
    expect(page.locator("#action-answer")).to_have_text(
        "exit: accepted, the order is exit_requested."
    )
    worker.run_until(lambda: _state(order) == "exited", beat=_snapshots_poll, timeout_s=60)
    expect(page.locator("[data-bind=state]")).to_have_text("exited")
    expect(page.get_by_role("button", name="Exit")).to_be_disabled()  # nothing left to do
    payouts = list(order.payouts.all())
    assert payouts and all(p.status == "sent" for p in payouts)
    expect(page.locator("#payouts tr")).to_have_count(len(payouts))
    expect(page.locator("#payouts")).to_contain_text("sent")
    balances = demo_world.demo_user_balances()
    for payout in payouts:  # what came back is on the demo user's Mixin balance
        assert Decimal(balances[str(payout.asset_id)]) >= payout.amount
