"""The campaign pages and the creator dashboard in a real browser.

Campaigns: the demo's XIN/USDT campaign on the HuFi simulator (seeded by the demo's own
code) and a second one on another exchange and chain; a running order of the demo user
joins it through the real join round against the simulator. A visitor sees the list and the
campaign but no order; the demo user filters the list down to the campaign, opens it and
finds the order, and finds the campaign under "My campaigns".

Dashboard: the demo user's running order with metric snapshots and fills placed in the
last hour; the page draws its four charts from the dashboard API for 24 hours and 7 days
and shows this node's reputation inputs.

Every page is looked at 1280 and 390 px (no sideways scroll, screenshots under
var/screenshots/) and checked by axe-core (no serious or critical violation).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignParticipation
from campaigns.services.joining import campaign_joins_run
from demo.campaigns import demo_campaign_seed
from demo.services import DEMO_MIXIN_USER_ID
from orders.models import MarketMakingOrder
from tests.campaigns.test_demo_campaign import hufi_url  # noqa: F401 - the HuFi simulator
from tests.e2e.test_browser_order_from_login_to_exit import _login
from tests.orders.factories import MarketMakingOrderFactory
from tests.reports.test_dashboard_api import fill, snapshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = pytest.mark.django_db(transaction=True)


def _running_order_of_demo_user(demo_world) -> MarketMakingOrder:
    from wallet.models import MixinUser

    user = MixinUser.objects.get(mixin_user_id=DEMO_MIXIN_USER_ID).user
    order = MarketMakingOrderFactory(
        user=user, pair=demo_world.pair("XIN/USDT"), api_key=demo_world.api_key
    )
    MarketMakingOrder.objects.filter(pk=order.pk).update(
        state="running", frozen_config={"order_amount": "0.1"}
    )
    return MarketMakingOrder.objects.get(pk=order.pk)


def test_campaign_list_filters_and_the_detail_shows_our_order(
    presets_seeded,
    live_server,
    demo_world,
    hufi_url,  # noqa: F811 - the fixture imported above
    page,
    look,
):
    demo_campaign_seed(
        hufi_url=hufi_url, venue_url=demo_world.venue_url, trading_key=demo_world.api_key
    )
    demo = Campaign.objects.get(symbol="XIN/USDT")
    now = timezone.now()
    Campaign.objects.create(
        chain_id=137,
        address="0x" + "7" * 40,
        type="THRESHOLD",
        exchange_name="okx",
        symbol="XIN",
        start_date=now - timedelta(days=1),
        end_date=now + timedelta(days=5),
        status="active",
        fund_amount=500,
        fund_token="0x2",
        fund_token_symbol="USDT",
        fund_token_decimals=6,
        synced_at=now,
    )

    page.goto(f"{live_server.url}/campaigns/")
    expect(page.locator("#campaigns li.campaign")).to_have_count(2)
    look("campaigns-anonymous")
    page.goto(f"{live_server.url}/campaigns/{demo.key}/")
    expect(page.locator("#learn-more")).to_contain_text("volume")
    expect(page.locator("main")).to_contain_text("to see which of your orders take part")
    look("campaign-anonymous")

    _login(page, live_server, demo_world)
    order = _running_order_of_demo_user(demo_world)
    campaign_joins_run()
    participation = CampaignParticipation.objects.get(campaign=demo)
    assert participation.state == "joined", participation.last_error
    assert list(participation.orders.all()) == [order]

    page.get_by_role("link", name="Campaigns").first.click()
    expect(page.locator("#campaigns li.campaign")).to_have_count(2)
    page.select_option("#filter-chain", "1")
    expect(page.locator("#campaigns li.campaign")).to_have_count(1)
    page.select_option("#filter-type", "HOLDING")
    expect(page.locator("#campaigns li.campaign")).to_have_count(0)
    expect(page.locator("#campaign-count")).to_have_text("No campaign matches.")
    page.select_option("#filter-type", "MARKET_MAKING")
    page.select_option("#filter-exchange", "binance")
    expect(page.locator("#campaigns li.campaign")).to_have_count(1)
    assert "chain_id=1" in page.url and "type=MARKET_MAKING" in page.url
    card = page.locator("#campaigns li.campaign")
    expect(card).to_contain_text("XIN/USDT")
    expect(card).to_contain_text("700 USDT")  # the fund, to the token's decimals
    look("campaigns-filtered")

    card.get_by_role("link").click()
    expect(page.locator("#my-orders li")).to_have_count(1)
    expect(page.locator("#my-orders li a")).to_have_attribute("href", f"/orders/{order.pk}/")
    expect(page.locator("#our-count")).to_have_text("1")
    expect(page.locator("#my-joins li")).to_have_text("Taking part through this node: joined")
    expect(page.locator("#cycles")).to_contain_text("/ 7")
    look("campaign-detail")

    page.goto(f"{live_server.url}/campaigns/mine/")
    expect(page.locator("#joined-campaigns li.campaign")).to_have_count(1)
    expect(page.locator("#joined-campaigns")).to_contain_text("XIN/USDT")
    look("campaigns-mine")


def test_the_dashboard_draws_its_charts(presets_seeded, live_server, demo_world, page, look):
    _login(page, live_server, demo_world)
    order = _running_order_of_demo_user(demo_world)
    # A snapshot every 10 s for the last 70 minutes (two hourly buckets), one in 7 down.
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=70)
    for i in range(420):
        at = start + timedelta(seconds=10 * i)
        snapshot(order, at, up=i % 7 != 3, spread=str(10 + i % 5), bid="120", ask=str(100 + i % 9))
    fill(order, start + timedelta(minutes=1), price="2.5", amount="4")
    fill(order, start + timedelta(minutes=20), price="2.6", amount="1")

    page.get_by_role("link", name="Dashboard").first.click()
    for chart in ("uptime", "spread", "depth", "volume"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    row = page.locator("#dashboard-orders tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("XIN/USDT")
    expect(row).to_contain_text("12.6 USDT")  # 2.5 × 4 + 2.6 × 1
    expect(page.locator("#rep-uptime")).not_to_be_empty()
    look("dashboard")

    page.locator("button[data-window='7d']").click()
    expect(page.locator("button[data-window='7d']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#chart-volume canvas")).to_have_count(1)
    assert "window=7d" in page.url
    look("dashboard-7d")
