"""The demo seed with the HuFi simulator: the XIN/USDT campaign exists and is synced, the
demo account's read-only key is linked to its HuFi identity, and rewards are sent to the
node's Mixin deposit address; seeding again changes nothing twice."""

import httpx
import pytest
from django.core.management import call_command

from campaigns.models import Campaign, HufiIdentity
from demo.campaigns import CAMPAIGN_ADDRESS, READ_KEY
from simulators.hufi.server import start_in_thread as hufi_start
from simulators.hufi.world import HufiWorld
from wallet.models import DepositEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def hufi_url(demo_world, settings):
    url, stop = hufi_start(world=HufiWorld(seed=1, peer_url=demo_world.mixin_url))
    settings.HUFI_LAUNCHER_URL = f"{url}/launcher"
    settings.HUFI_ORACLE_URL = f"{url}/oracle"
    yield url
    stop()


def test_the_demo_seeds_a_campaign_for_its_pair_and_a_read_only_key(demo_world, hufi_url):
    for _ in range(2):
        call_command(
            "demo_seed",
            venue_url=demo_world.venue_url,
            mixin_url=demo_world.mixin_url,
            hufi_url=hufi_url,
            wait=5,
            stdout=None,
        )
    (campaign,) = Campaign.objects.all()
    assert campaign.address == CAMPAIGN_ADDRESS.lower() and campaign.symbol == "XIN/USDT"
    identity = HufiIdentity.objects.get(trading_key=demo_world.api_key)
    assert identity.read_key.api_key == READ_KEY
    assert identity.read_key.validation_status == "valid" and identity.read_key.can_trade is False
    state = httpx.get(f"{hufi_url}/_sim/state", timeout=10).json()
    (user,) = state["users"]
    assert user["address"].lower() == identity.address.lower()
    assert user["payout_address"] in set(DepositEntry.objects.values_list("destination", flat=True))
