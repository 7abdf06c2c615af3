import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command

from demo.services import (
    DEMO_MIXIN_USER_ID,
    ETHEREUM_CHAIN_ID,
    VENUE_API_KEY,
    demo_product_seed,
)
from exchanges.models import Exchange, ExchangeAPIKey, NetworkMapping, TradingPair
from mixin_kernel.invoice import PayRequest
from tests.demo_world import demo_simulators_start
from wallet.models import MixinUser

pytestmark = pytest.mark.django_db

XIN = "c94ac88f-4671-3976-b60a-09064f1811e8"
USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"
BTC = "c6d0c728-2624-429b-8e0d-d9d19b6592fa"


def _seed(settings) -> tuple:
    """Fresh simulators (as after a restart), then the seed command against them."""
    world, stops = demo_simulators_start(settings)
    call_command(
        "demo_seed", venue_url=world.venue_url, mixin_url=world.mixin_url, wait=5, stdout=None
    )
    return world, stops


def test_the_seed_sets_up_the_exchange_its_valid_key_the_pairs_and_the_demo_login(settings):
    world, stops = _seed(settings)
    try:
        exchange = Exchange.objects.get()
        assert (exchange.ccxt_id, exchange.api_base_url) == ("binance", world.venue_url)
        key = ExchangeAPIKey.objects.get()
        assert key.validation_status == ExchangeAPIKey.ValidationStatus.VALID
        assert key.can_trade is True
        pairs = {p.symbol: p for p in TradingPair.objects.all()}
        assert set(pairs) == {"XIN/USDT", "BTC/USDT"}
        assert str(pairs["XIN/USDT"].base_asset_id) == XIN
        assert str(pairs["XIN/USDT"].quote_asset_id) == USDT
        assert str(pairs["BTC/USDT"].base_asset_id) == str(pairs["BTC/USDT"].base_chain_id) == BTC
        assert pairs["XIN/USDT"].quote_chain_id == ETHEREUM_CHAIN_ID
        mappings = dict(NetworkMapping.objects.values_list("chain_id", "network_code"))
        assert {str(k): v for k, v in mappings.items()} == {
            str(ETHEREUM_CHAIN_ID): "ERC20",
            BTC: "BTC",
        }
        assert MixinUser.objects.get(mixin_user_id=DEMO_MIXIN_USER_ID).user.username == "demo"

        venue = world.venue_control.state()
        [account] = venue["accounts"]
        assert account["api_key"] == VENUE_API_KEY
        assert account["permissions"] == ["read", "trade", "withdraw"]
        assert {m["symbol"] for m in venue["markets"].values()} == {"XIN/USDT", "BTC/USDT"}
        assert all(m["agents"] for m in venue["markets"].values())
        assert world.demo_user_balances() == {XIN: "50", BTC: "0.5", USDT: "20000"}
    finally:
        for stop in stops:
            stop()


def test_seeding_again_and_after_a_simulator_restart_changes_nothing_twice(settings):
    world, stops = _seed(settings)
    try:
        # The demo user spends some; the next seed tops the balance up, not over.
        url = PayRequest(
            recipient_id=world.mixin.bot.app_id,
            asset_id=XIN,
            amount=Decimal(10),
            trace_id=str(uuid.uuid4()),
            memo="",
        ).url()
        world.mixin_control("POST", "/_sim/pay", {"payer_id": str(DEMO_MIXIN_USER_ID), "url": url})
        assert world.demo_user_balances()[XIN] == "40"
        demo_product_seed(venue_url=world.venue_url)
        call_command("demo_seed", venue_url=world.venue_url, mixin_url=world.mixin_url, wait=5)
        assert world.demo_user_balances()[XIN] == "50"
        assert len(world.venue_control.state()["accounts"]) == 1
    finally:
        for stop in stops:
            stop()

    # Restarted simulators are empty; the same database still points at the same ids.
    world, stops = _seed(settings)
    try:
        assert Exchange.objects.count() == 1
        assert ExchangeAPIKey.objects.get().validation_status == "valid"
        assert TradingPair.objects.count() == 2
        assert MixinUser.objects.count() == 1
        assert world.venue_control.state()["accounts"][0]["api_key"] == VENUE_API_KEY
        assert world.demo_user_balances()[USDT] == "20000"
    finally:
        for stop in stops:
            stop()


def test_the_seed_names_the_simulator_that_does_not_answer(settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="127.0.0.1:9"):
        call_command("demo_seed", venue_url="http://127.0.0.1:9", mixin_url="http://127.0.0.1:9",
                     wait=0.5)  # fmt: skip
