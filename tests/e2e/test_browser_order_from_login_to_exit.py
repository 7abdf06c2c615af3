"""A person's path through the pages, in a real browser: log in with Mixin (on the Mixin
simulator's consent page), see every error of a bad form at once, dry-run the quotes,
create the order through the API, pay it, watch the payment page follow the order to
quoting; on the order page see the chart drawn from the metric snapshots, the trading
figures, make the report public, pause (a second pause is not offered) and exit: the
result summary and the figures match the ledger and the PnL selector, the funds come
back, and the report downloaded from the page verifies.

Every page is looked at 1280 and 390 px wide (no sideways scroll, screenshots under
var/screenshots/) and checked by axe-core (no serious or critical violation).
The test plays the parts that are not pages: it pays through the simulator's control API,
and runs the queued jobs and the periodic ones as the worker and beat would.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from demo.services import DEMO_MIXIN_USER_ID
from executor.models import ExchangeFill
from orders.models import MarketMakingOrder
from reports.models import OrderSnapshot
from reports.selectors import order_pnl
from wallet.client import mixin_client
from wallet.services.intake import snapshots_poll

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = pytest.mark.django_db(transaction=True)


def _beat() -> None:
    """The periodic jobs this path needs: payment intake, the executor's ticks and the
    metric snapshots (one per slot: a repeat in the same slot changes nothing)."""
    from executor.tasks import executor_tick_all
    from reports.tasks import reports_snapshot_all

    with mixin_client() as client:
        snapshots_poll(client=client)
    executor_tick_all()
    reports_snapshot_all()


def _state(order: MarketMakingOrder) -> str:
    order.refresh_from_db()
    return order.state


def _login(page, live_server, demo_world) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Log in with Mixin").first.click()
    expect(page).to_have_url(re.compile(re.escape(demo_world.mixin_url) + "/oauth/authorize"))
    page.select_option("#user", str(DEMO_MIXIN_USER_ID))
    page.get_by_role("button", name="Authorize as the selected user").click()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()


def test_create_pay_run_pause_exit_in_a_browser(
    presets_seeded, live_server, demo_world, worker, page, look, tmp_path
):
    page.goto(live_server.url + "/")
    look("home-anonymous")
    _login(page, live_server, demo_world)
    expect(page.locator("header")).to_contain_text("Demo token creator")
    look("home")

    page.get_by_role("link", name="New order").first.click()
    pair = demo_world.pair("XIN/USDT")
    page.locator(f'input[name=pair][value="{pair.pk}"]').check()
    page.locator('input[name=preset][value="stable-depth"]').check()
    # The required field comes first, the spread is a percentage with its unit.
    expect(page.locator("#preset-settings .field").first).to_contain_text("Size of each quote")
    expect(page.locator("#f-bid_spread")).to_have_value("0.3")
    look("create")

    # Two mistakes at once: both are named, each next to its field, nothing is created.
    page.fill("#base_amount", "0.01")
    page.fill("#quote_amount", "300")
    page.get_by_role("button", name="Create the order and show the invoice").click()
    expect(page.locator("#error-summary li")).to_have_count(2)
    expect(page.locator("#base_amount ~ .error")).to_be_visible()
    expect(page.locator("#f-order_amount")).to_have_attribute("aria-invalid", "true")
    assert not MarketMakingOrder.objects.exists()
    look("create-errors")

    page.fill("#base_amount", "2")
    page.fill("#f-order_amount", "0.2")
    page.get_by_role("button", name="Show the quotes and the invoice").click()
    expect(page.locator("#preview-book tr.ask").first).to_be_visible()
    expect(page.locator("#preview-book tr.bid").first).to_be_visible()
    # The exact invoice: both legs, each network fee Mixin quotes, and a total per asset.
    expect(page.locator("#invoice-lines tbody tr")).to_have_count(4)
    expect(page.locator("#invoice-lines")).to_contain_text("Network fee to send the base")
    expect(page.locator("#invoice-lines tfoot tr")).to_have_count(2)
    quoted_totals = [t.split() for t in page.locator("#invoice-lines tfoot tr").all_inner_texts()]
    look("create-dry-run")

    page.get_by_role("button", name="Create the order and show the invoice").click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}/pay/$"))
    order = MarketMakingOrder.objects.get()
    assert order.strategy_overrides["order_amount"] == "0.2"
    expect(page.locator("#state-label")).to_have_text("Waiting for payment")
    expect(page.locator(".qr svg")).to_be_visible()
    pay_url = page.locator("#pay-url").get_attribute("href")
    assert pay_url.startswith("https://mixin.one/pay/")
    expect(page.locator("#entries tbody tr")).to_have_count(order.payment_entries.count())
    assert [t.split() for t in page.locator("#entries tfoot tr").all_inner_texts()] == quoted_totals
    look("pay")

    demo_world.mixin_control(
        "POST", "/_sim/pay", {"payer_id": str(DEMO_MIXIN_USER_ID), "url": pay_url}
    )
    worker.run_until(lambda: _state(order) == "running", beat=_beat)
    expect(page.locator("#state-label")).to_have_text("Quoting")
    expect(page.locator("#progress")).to_have_text("The order is quoting on the exchange.")
    expect(page.locator("#steps li.done")).to_have_count(4)
    expect(page.locator("#invoice")).to_be_hidden()
    look("pay-running")

    # A few ticks place quotes and the beat samples the market: the order page draws the
    # chart from the series API (the stored snapshots) and lists the open quotes.
    worker.run_until(lambda: order.exchange_orders.filter(status="open").exists(), beat=_beat)

    # The market's other traders move the price until one of our quotes fills, and the
    # beat takes snapshots in at least two slots, so the chart has lines to draw.
    def _market_beat() -> None:
        demo_world.venue_control.market_step(symbol=pair.symbol, rounds=3)
        _beat()

    worker.run_until(
        lambda: (
            order.exchange_orders.filter(fills__isnull=False).exists()
            and OrderSnapshot.objects.filter(order=order, own_bid__isnull=False).count() >= 2
        ),
        beat=_market_beat,
        timeout_s=90,
    )
    series_points = []
    page.on(
        "response",
        lambda r: series_points.append(r.json()["points"]) if "/series/" in r.url else None,
    )
    page.get_by_role("link", name="follow it on its page").click()
    expect(page.locator("#open-quotes")).to_contain_text(re.compile("buy|sell"), timeout=15_000)
    expect(page.locator("#chart canvas")).to_be_visible()
    for chart in ("spread", "depth", "inventory", "equity"):
        expect(page.locator(f"#{chart}-chart canvas")).to_be_visible()
    expect(page.locator("#series-points")).to_have_text(re.compile(r"^[1-9]\d* points"))
    assert series_points and series_points[0] > 0
    expect(page.locator("#timeline")).to_contain_text("Quoting")
    expect(page.get_by_role("button", name="Resume")).to_be_disabled()
    expect(page.locator("#pnl-placed")).to_have_text(re.compile(r"^[1-9]"))
    fill = ExchangeFill.objects.filter(tracked_order__order=order).order_by("-traded_at", "-id")[0]
    expect(page.locator("#fills")).to_contain_text(fill.trade_id)
    look("order-running")

    # The owner makes the report public from the page.
    page.locator("#proof-public").check()
    expect(page.locator("#proof-answer")).to_contain_text("Public")
    order.refresh_from_db()
    assert order.proof_public

    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#action-answer")).to_have_text("Paused. The order is now: Paused.")
    expect(page.get_by_role("button", name="Pause")).to_be_disabled()
    expect(page.get_by_role("button", name="Resume")).to_be_enabled()

    page.get_by_role("button", name="Exit").click()
    expect(page.locator("#action-answer")).to_contain_text("Exit started.")
    worker.run_until(lambda: _state(order) == "exited", beat=_beat, timeout_s=60)
    expect(page.locator("#state-label")).to_have_text("Finished")
    for action in ("Pause", "Resume", "Stop", "Exit"):
        expect(page.get_by_role("button", name=action)).to_be_disabled()

    # The summary is the ledger's: paid in is what the payments booked, paid back what
    # the payouts sent, per asset.
    expect(page.locator("#result")).to_be_visible()
    payouts = list(order.payouts.all())
    assert payouts and all(p.status == "sent" for p in payouts)
    symbols = {order.pair.base_asset_id: "XIN", order.pair.quote_asset_id: "USDT"}
    for asset, symbol in symbols.items():
        paid_in = sum(
            (e.amount_paid for e in order.payment_entries.filter(asset_id=asset)), Decimal(0)
        )
        paid_back = sum((p.amount for p in payouts if p.asset_id == asset), Decimal(0))
        row = page.locator("#result-rows tr", has_text=symbol)
        cells = row.locator("td")
        expect(cells.nth(1)).to_have_text(_shown(paid_in))
        expect(cells.nth(2)).to_have_text(_shown(paid_back))
    expect(page.locator("#payout-receipts li")).to_have_count(len(payouts))
    # The trading figures are the PnL selector's, to the quote asset's places.
    figures = order_pnl(order=order)
    quote = order.pair.quote_symbol
    shown = {
        "#pnl-realized": figures["realized_pnl"],
        "#pnl-fees": figures["activity"]["fees"]["in_quote"],
        "#pnl-total": figures["total_pnl"],
        "#pnl-volume-quote": figures["activity"]["volume"]["quote"],
        "#result-pnl": figures["total_pnl"],
    }
    for selector, value in shown.items():
        expect(page.locator(selector)).to_have_text(f"{_shown(Decimal(value))} {quote}")
    expect(page.locator("#pnl-fills")).to_have_text(str(figures["activity"]["fills"]["count"]))
    # Once intake has seen the payouts' snapshots, each payout links to its snapshot.
    _beat()
    page.reload()
    snapshot_links = page.locator("#payout-receipts a[href^='https://mixin.one/snapshots/']")
    expect(snapshot_links).to_have_count(len(payouts))
    look("order-exited")

    # The report bundle downloaded from the page verifies.
    with page.expect_download() as download:
        page.locator("#report-download").click()
    bundle = tmp_path / download.value.suggested_filename
    download.value.save_as(bundle)
    call_command("report_verify", str(bundle))
    page.locator("#report-verify summary").click()
    expect(page.locator("#report-verify")).to_contain_text(f"report_verify {bundle.name}")

    balances = demo_world.demo_user_balances()
    for payout in payouts:  # what came back is on the demo user's Mixin balance
        assert Decimal(balances[str(payout.asset_id)]) >= payout.amount

    # After running, the pay page says the order is finished, not that funds travel.
    page.goto(live_server.url + f"/orders/{order.pk}/pay/")
    expect(page.locator("#progress")).to_have_text(
        "The order is finished and its funds were paid back to you."
    )
    look("pay-exited")


def _shown(amount: Decimal) -> str:
    """An amount as the pages show it: at most 8 places, no trailing zeros."""
    text = format(amount.quantize(Decimal("0.00000001")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
