"""An operator in a browser: logs in to the admin, adds an exchange with its API key (the
secret typed once, never shown back), sees the key validated against the venue with each
permission the loop needs, and adds a pair. Chromium drives the admin's own forms."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from exchanges.models import Exchange, ExchangeAPIKey, TradingPair

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

PASSWORD = "operator-pass-1234"  # noqa: S105 - a test login


@pytest.mark.django_db(transaction=True)
def test_an_operator_adds_an_exchange_its_key_and_a_pair(
    demo_world, live_server, page, worker, look
):
    get_user_model().objects.create_superuser("operator", "op@example.test", PASSWORD)
    account = demo_world.venue_control.account_create(
        label="second desk", permissions=["read", "trade", "withdraw"]
    )
    template = demo_world.pair("XIN/USDT")

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Mr.Market")

    page.goto(live_server.url + "/admin/exchanges/exchange/add/")
    page.fill("#id_name", "Second venue")
    page.fill("#id_ccxt_id", "binance")
    page.fill("#id_api_base_url", demo_world.venue_url)
    page.get_by_text("Add another Exchange API key").click()
    page.fill("#id_api_keys-0-label", "desk key")
    page.fill("#id_api_keys-0-api_key", account["api_key"])
    page.fill("#id_api_keys-0-secret", account["secret"])
    # Where the exchange takes the chain the pair's assets live on (both on Ethereum).
    assert template.base_chain_id == template.quote_chain_id
    page.get_by_text("Add another Network mapping").click()
    page.fill("#id_network_mappings-0-chain_id", str(template.base_chain_id))
    page.fill("#id_network_mappings-0-network_code", "ERC20")
    look("admin-exchange-add")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    # The secret went in once and is never rendered back.
    assert account["secret"] not in page.content()

    key = ExchangeAPIKey.objects.get(exchange__name="Second venue")
    assert key.secret_encrypted and account["secret"] not in key.secret_encrypted
    worker.run_until(lambda: ExchangeAPIKey.objects.get(pk=key.pk).validation_status != "pending")
    # Without a pair the exchange has no deposit address to show yet: the key waits,
    # and the page says which permission is still unknown.
    key.refresh_from_db()
    assert key.validation_status == "insufficient"
    assert key.loop_permissions().unknown == ["deposit_address"]
    page.reload()
    expect(page.locator("#api_keys-0 .field-use_permissions_shown")).to_contain_text(
        "withdraw granted"
    )
    expect(page.locator("#api_keys-0 .field-use_permissions_shown")).to_contain_text(
        "deposit_address unknown"
    )
    look("admin-exchange-key-waits-for-a-pair")

    page.goto(live_server.url + "/admin/exchanges/tradingpair/add/")
    exchange = Exchange.objects.get(name="Second venue")
    page.select_option("#id_exchange", str(exchange.pk))
    page.fill("#id_symbol", "XIN/USDT")
    page.fill("#id_base_symbol", "XIN")
    page.fill("#id_quote_symbol", "USDT")
    page.fill("#id_base_asset_id", str(template.base_asset_id))
    page.fill("#id_quote_asset_id", str(template.quote_asset_id))
    page.fill("#id_base_chain_id", str(template.base_chain_id))
    page.fill("#id_quote_chain_id", str(template.quote_chain_id))
    page.fill("#id_min_order_amount", "0.01")
    page.fill("#id_price_precision", "4")
    page.fill("#id_amount_precision", "2")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text("Second venue")
    look("admin-pairs")
    pair = TradingPair.objects.get(exchange=exchange, symbol="XIN/USDT")
    assert (pair.enabled, pair.min_order_amount) == (True, Decimal("0.01"))

    # The pair gives the key a deposit address to read: it is asked again at once.
    worker.run_until(
        lambda: ExchangeAPIKey.objects.get(pk=key.pk).validation_status != "insufficient"
    )
    key.refresh_from_db()
    assert key.validation_status == "valid", key.validation_error
    assert key.loop_permissions().usable
