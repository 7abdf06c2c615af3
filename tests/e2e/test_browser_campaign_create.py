"""Creating a HuFi campaign in a real browser: the per-type form with each field's meaning
and unit, every mistake named next to its field at once, then the funding page with the
Mixin invoice's QR code, following the campaign live until the node has funded its escrow
on the HuFi simulator's chain. Each page at 1280 and 390 px, checked by axe-core, with
screenshots under var/screenshots/. The test plays the parts that are not pages: it pays
through the Mixin simulator's control API and runs the queued jobs as the worker would."""

import re

import pytest

from campaigns.models import CampaignLaunch
from campaigns.services.launch_wallet import launch_wallet_get
from demo.services import DEMO_MIXIN_USER_ID
from ledger.selectors import ledger_violations
from tests.campaigns.launch_world import hufi_chain_running
from tests.e2e.test_browser_order_from_login_to_exit import _login
from tests.simulators.hufi.conftest import control
from wallet.client import mixin_client
from wallet.services.intake import snapshots_poll

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = pytest.mark.django_db(transaction=True)
USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"  # the demo's USDT (ERC20, chain 1)


@pytest.fixture
def hufi_chain(demo_world, settings):
    with hufi_chain_running(
        settings,
        mixin_url=demo_world.mixin_url,
        venue_url=demo_world.venue_url,
        chain_id=1,
        asset=USDT,
    ) as http:
        yield http


def _intake() -> None:
    with mixin_client() as client:
        snapshots_poll(client=client)


def _state(launch: CampaignLaunch) -> str:
    launch.refresh_from_db()
    return launch.state


def test_create_a_campaign_and_fund_it_on_mixin_in_a_browser(
    live_server, demo_world, hufi_chain, worker, page, look
):
    _login(page, live_server, demo_world)
    page.goto(live_server.url + "/campaigns/new/")
    expect(page.get_by_role("heading", name="Create a HuFi campaign")).to_be_visible()
    # Each field of the chosen type says what it means and in which unit.
    expect(page.locator("label[for=f-daily_volume_target]")).to_contain_text("quote asset per day")
    expect(page.locator("#h-daily_volume_target")).to_contain_text("full pool")
    look("campaign-create")

    # Three mistakes at once, each next to its field; nothing is created.
    page.fill("#f-pair", "xin-usdt")
    page.fill("#f-daily_volume_target", "0.5")
    page.fill("#f-fund_amount", "5")
    page.get_by_role("button", name="Create and go to funding").click()
    expect(page.locator("#f-pair ~ .error")).to_contain_text("pair must match")
    expect(page.locator("#f-daily_volume_target ~ .error")).to_contain_text("at least 1")
    expect(page.locator("#f-fund_amount ~ .error")).to_contain_text("at least 30")
    expect(page.locator("#f-pair")).to_have_attribute("aria-invalid", "true")
    assert not CampaignLaunch.objects.exists()
    look("campaign-create-errors")

    # A holding campaign shows its own fields instead.
    page.locator("input[name=type][value=HOLDING]").check()
    expect(page.locator("#f-daily_balance_target")).to_be_visible()
    expect(page.locator("#f-pair")).to_have_count(0)
    page.locator("input[name=type][value=MARKET_MAKING]").check()

    page.fill("#f-pair", "XIN/USDT")
    page.fill("#f-daily_volume_target", "1000")
    page.fill("#f-fund_amount", "30")
    page.get_by_role("button", name="Create and go to funding").click()
    expect(page).to_have_url(re.compile(r"/campaigns/launches/[0-9a-f-]{36}/$"))
    launch = CampaignLaunch.objects.get()
    assert (launch.type, launch.symbol, launch.funding_method) == (
        "MARKET_MAKING",
        "XIN/USDT",
        "mixin",
    )
    worker.run_until(lambda: _state(launch) == "awaiting_funding")
    expect(page.locator("#state-label")).to_have_text("Waiting for the fund")
    expect(page.locator(".qr svg")).to_be_visible()
    pay_url = page.locator("#pay-url").get_attribute("href")
    assert pay_url.startswith("https://mixin.one/pay/")
    look("campaign-fund")

    control(
        hufi_chain,
        "/_sim/chain/mint",
        {"chain_id": 1, "token": "USDT", "address": launch_wallet_get().address, "amount": "30"},
    )
    demo_world.mixin_control(
        "POST", "/_sim/pay", {"payer_id": str(DEMO_MIXIN_USER_ID), "url": pay_url}
    )
    worker.run_until(lambda: _state(launch) == "funded", beat=_intake)
    expect(page.locator("#state-label")).to_have_text("Live")
    expect(page.locator("#funded")).to_contain_text(launch.funding_tx_hash)
    expect(page.locator("#mixin-funding")).to_be_hidden()
    expect(page.locator("#events")).to_contain_text("the escrow holds the fund")
    look("campaign-funded")
    escrow = hufi_chain.get(f"/chain/escrows/1-{launch.escrow_address}").json()
    assert (escrow["status"], escrow["balance"]) == ("funded", "30")
    assert ledger_violations() == []

    # "My campaigns" lists it under the campaigns I created, in its state's words.
    page.goto(live_server.url + "/campaigns/mine/")
    created = page.locator("#created-campaigns li")
    expect(created).to_have_count(1)
    expect(created).to_contain_text("Live")
    created.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/launches/{launch.pk}/$"))


def test_fund_a_campaign_from_an_evm_wallet_in_a_browser(
    live_server, demo_world, hufi_chain, worker, page, look
):
    _login(page, live_server, demo_world)
    page.goto(live_server.url + "/campaigns/new/")
    page.locator("input[name=type][value=HOLDING]").check()
    page.fill("#f-symbol", "XIN")
    page.fill("#f-daily_balance_target", "5")
    page.fill("#f-fund_amount", "30")
    page.locator("input[name=funding_method][value=evm]").check()
    page.get_by_role("button", name="Create and go to funding").click()
    expect(page).to_have_url(re.compile(r"/campaigns/launches/[0-9a-f-]{36}/$"))
    launch = CampaignLaunch.objects.get()
    worker.run_until(lambda: _state(launch) == "awaiting_funding")
    expect(page.locator("#escrow-address")).to_have_text(launch.escrow_address)
    expect(page.locator("#evm-funding")).to_contain_text("Send exactly 30 USDT on chain 1")
    look("campaign-fund-evm")

    # The user's wallet sends the fund (the simulator stands in for their signature).
    user_wallet = "0x" + "ab" * 20
    mint = {"chain_id": 1, "token": "USDT", "address": user_wallet, "amount": "30"}
    control(hufi_chain, "/_sim/chain/mint", mint)
    transfer = {**mint, "from": user_wallet, "to": launch.escrow_address, "transfer_id": "u-1"}
    del transfer["address"]
    control(hufi_chain, "/_sim/chain/transfers", transfer)
    worker.run_until(lambda: _state(launch) == "funded")
    expect(page.locator("#state-label")).to_have_text("Live")
    expect(page.locator("#evm-funding")).to_be_hidden()
    look("campaign-funded-evm")
