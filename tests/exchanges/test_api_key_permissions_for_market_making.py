"""A market-making key is usable only with every permission the funds loop needs, the
deposit addresses of the exchange's pairs included; one lacking any is refused for orders."""

import pytest

from demo.scenarios import (
    XIN_USDT,
    network_mappings_put,
    trading_pair_put,
    venue_coins_configure,
)
from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_create
from exchanges.tasks import api_key_validate
from orders.services.intents import ExchangeNotReady, _trading_key
from tests.exchanges.factories import ExchangeFactory
from tests.orders.loop.harness import USDT_ASSET, XIN_ASSET

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(venue_url):
    return ExchangeFactory(name="Simulated Binance", api_base_url=venue_url)


@pytest.fixture
def pair(exchange, venue_control, xin_usdt):
    network_mappings_put(exchange=exchange, assets=(XIN_ASSET, USDT_ASSET))
    return trading_pair_put(exchange=exchange, market=XIN_USDT, base=XIN_ASSET, quote=USDT_ASSET)


def validated(exchange, venue_control, permissions, capture):
    account = venue_control.account_create(label="mm", permissions=permissions)
    with capture(execute=False):
        key = api_key_create(
            exchange=exchange,
            label="mm",
            api_key=account["api_key"],
            secret=account["secret"],
        )
    api_key_validate(api_key_id=key.pk, trace_id="trace-permissions")
    key.refresh_from_db()
    return key


def test_a_full_key_reads_every_deposit_address_and_runs_orders(
    exchange, venue_control, pair, django_capture_on_commit_callbacks
):
    venue_coins_configure(venue_control, (XIN_ASSET, USDT_ASSET))
    key = validated(
        exchange, venue_control, ["read", "trade", "withdraw"], django_capture_on_commit_callbacks
    )
    assert key.validation_status == "valid"
    assert key.permission_report == {
        "read": True,
        "trade": True,
        "withdraw": True,
        "deposit_address": True,
    }
    assert _trading_key(pair) == key


def test_a_deposit_address_the_exchange_will_not_give_makes_the_key_insufficient(
    exchange, venue_control, pair, django_capture_on_commit_callbacks
):
    venue_coins_configure(venue_control, (XIN_ASSET,))  # no USDT network on the venue
    key = validated(
        exchange, venue_control, ["read", "trade", "withdraw"], django_capture_on_commit_callbacks
    )
    assert key.validation_status == "insufficient"
    assert key.permission_report["deposit_address"] is False
    assert "deposit_address" in key.validation_error


def test_a_key_without_withdraw_is_not_used_for_market_making(
    exchange, venue_control, pair, django_capture_on_commit_callbacks
):
    venue_coins_configure(venue_control, (XIN_ASSET, USDT_ASSET))
    key = validated(exchange, venue_control, ["read", "trade"], django_capture_on_commit_callbacks)
    assert key.validation_status == ExchangeAPIKey.ValidationStatus.INSUFFICIENT
    assert key.permission_report["withdraw"] is False
    assert "withdraw" in key.validation_error
    with pytest.raises(ExchangeNotReady):
        _trading_key(pair)
