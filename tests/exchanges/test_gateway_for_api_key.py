"""One paced gateway per stored key and process; a changed secret builds a new one."""

from decimal import Decimal

import pytest

from core.errors import AuthFailedError
from exchanges.gateway import gateway_for_api_key, public_gateway_for_exchange
from exchanges.services import api_key_create, api_key_set_secret
from tests.exchanges.factories import ExchangeFactory

pytestmark = pytest.mark.django_db


def test_the_gateway_is_shared_per_key_and_rebuilt_when_the_secret_changes(
    venue_url, venue_control, django_capture_on_commit_callbacks
):
    exchange = ExchangeFactory(api_base_url=venue_url)
    account = venue_control.account_create(label="mm", permissions=["read"])
    with django_capture_on_commit_callbacks(execute=False):
        key = api_key_create(
            exchange=exchange, label="mm", api_key=account["api_key"], secret="wrong" * 10
        )

    first = gateway_for_api_key(key.pk, timeout_ms=1500)
    assert gateway_for_api_key(key.pk, timeout_ms=1500) is first
    assert first.client.enableRateLimit and first.client.timeout == 1500
    assert first.client.urls["api"]["private"] == f"{venue_url}/api/v3"
    assert first.client.urls["api"]["sapi"] == f"{venue_url}/sapi/v1"

    api_key_set_secret(api_key=key, secret=account["secret"])
    key.save()
    rebuilt = gateway_for_api_key(key.pk, timeout_ms=1500)
    assert rebuilt is not first
    assert rebuilt.balances().can_trade is False


def test_the_public_gateway_reads_the_market_and_no_account(venue_url, xin_usdt):
    gateway = public_gateway_for_exchange(
        exchange=ExchangeFactory(api_base_url=venue_url), timeout_ms=1500
    )

    assert gateway.market(xin_usdt).tick_size == Decimal("0.01")
    with pytest.raises(AuthFailedError):
        gateway.balances()
