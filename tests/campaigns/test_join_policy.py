"""The join policy: a running order in a covered pair makes a participation; a join that
fails is retried with backoff and shown, joining switched off (globally or per campaign)
stops joins, and none of it touches the order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignParticipation, JoinSwitch
from campaigns.services.joining import campaign_joins_run
from orders.models import MarketMakingOrder
from tests.exchanges.factories import TradingPairFactory
from tests.orders.factories import MarketMakingOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_order(presets_seeded):
    pair = TradingPairFactory(symbol="XIN/USDT", exchange__ccxt_id="binance")
    order = MarketMakingOrderFactory(pair=pair)
    MarketMakingOrder.objects.filter(pk=order.pk).update(state="running")
    return MarketMakingOrder.objects.get(pk=order.pk)


def campaign_row(**fields) -> Campaign:
    now = timezone.now()
    values = {
        "chain_id": 137,
        "address": "0x" + "a" * 40,
        "type": "MARKET_MAKING",
        "exchange_name": "binance",
        "symbol": "XIN/USDT",
        "details": {},
        "start_date": now - timedelta(hours=1),
        "end_date": now + timedelta(days=2),
        "status": "active",
        "fund_amount": 900,
        "fund_token": "0x1",
        "fund_token_symbol": "USDT",
        "fund_token_decimals": 6,
        "synced_at": now,
    }
    return Campaign.objects.create(**{**values, **fields})


def test_unreachable_hufi_is_retried_with_backoff_and_shown(running_order, settings):
    settings.HUFI_LAUNCHER_URL = "http://127.0.0.1:9/launcher"
    settings.HUFI_ORACLE_URL = "http://127.0.0.1:9/oracle"
    campaign_row()
    read_key = running_order.api_key  # stands in as checked read-only for this test
    read_key.validation_status, read_key.can_trade = "valid", False
    read_key.save()
    assert campaign_joins_run() == {"blocked": 1}
    participation = CampaignParticipation.objects.get()
    participation.identity.read_key = read_key
    participation.identity.save()

    assert campaign_joins_run() == {"retrying": 1}
    participation.refresh_from_db()
    assert participation.attempts == 1 and participation.last_error.startswith("retryable")
    assert participation.next_attempt_at > timezone.now()
    assert campaign_joins_run() == {}  # not due yet
    CampaignParticipation.objects.update(next_attempt_at=timezone.now())
    assert campaign_joins_run() == {"retrying": 1}
    participation.refresh_from_db()
    assert participation.attempts == 2
    running_order.refresh_from_db()
    assert running_order.state == "running"


def test_a_key_that_can_trade_is_never_handed_over(running_order):
    campaign_row()
    campaign_joins_run()
    participation = CampaignParticipation.objects.get()
    participation.identity.read_key = running_order.api_key
    participation.identity.save()
    running_order.api_key.validation_status, running_order.api_key.can_trade = "valid", True
    running_order.api_key.save()
    assert campaign_joins_run() == {"blocked": 1}
    assert "can trade" in CampaignParticipation.objects.get().last_error


def test_joining_switched_off_globally_or_per_campaign(running_order):
    campaign = campaign_row()
    JoinSwitch.objects.create(joining_enabled=False)
    assert campaign_joins_run() == {"switched_off": 1}
    JoinSwitch.objects.update(joining_enabled=True)
    Campaign.objects.filter(pk=campaign.pk).update(joining_enabled=False)
    assert campaign_joins_run() == {"switched_off": 1}
    assert list(CampaignParticipation.objects.get().orders.all()) == [running_order]


def test_no_participation_for_other_pairs_ended_or_holding_campaigns(running_order):
    campaign_row(symbol="ETH/USDT")
    campaign_row(address="0x" + "b" * 40, end_date=timezone.now() - timedelta(minutes=1))
    campaign_row(address="0x" + "c" * 40, type="HOLDING", symbol="XIN")
    campaign_row(address="0x" + "d" * 40, status="completed")
    assert campaign_joins_run() == {}
    assert not CampaignParticipation.objects.exists()
