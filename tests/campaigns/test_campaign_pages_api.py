"""The campaign API as the pages use it: anyone may list (with every filter) and read a
campaign, but only a signed-in owner sees which orders take part, and only their own;
"mine" lists the campaigns a user's orders joined; the volume is the leaderboard's sum and
the flagged volume share is worked out by hand from a manifest."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import CampaignParticipation, RewardReceipt
from campaigns.selectors import flagged_volume_share
from campaigns.services.identity import identity_for_account
from orders.models import MarketMakingOrder
from tests.campaigns.test_join_policy import campaign_row
from tests.exchanges.factories import TradingPairFactory
from tests.orders.factories import MarketMakingOrderFactory

pytestmark = pytest.mark.django_db


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(presets_seeded):
    pair = TradingPairFactory(symbol="XIN/USDT", exchange__ccxt_id="binance")
    mine = MarketMakingOrderFactory(pair=pair)
    theirs = MarketMakingOrderFactory(pair=pair)
    MarketMakingOrder.objects.filter(pk__in=[mine.pk, theirs.pk]).update(state="running")
    joined = campaign_row(
        leaderboard={
            "data": [
                {"address": "0x1", "score": "5", "result": "1200.5", "estimated_reward": "3"},
                {"address": "0x2", "score": "1", "result": "99.5", "estimated_reward": "1"},
            ]
        },
    )
    campaign_row(address="0x" + "b" * 40, type="HOLDING", symbol="XIN", status="completed")
    campaign_row(address="0x" + "c" * 40, chain_id=1, exchange_name="okx")
    for order in (mine, theirs):
        participation = CampaignParticipation.objects.create(
            campaign=joined,
            identity=identity_for_account(trading_key=order.api_key),
            state="joined",
            joined_at=timezone.now(),
        )
        participation.orders.add(order)
    return mine, theirs, joined


def test_anyone_lists_with_each_filter(world):
    anonymous = APIClient()

    def addresses(**query) -> set[str]:
        answer = anonymous.get("/api/v1/campaigns/", query)
        assert answer.status_code == 200, answer.content
        return {c["address"][2] for c in answer.json()}

    assert addresses() == {"a", "b", "c"}
    assert addresses(exchange="okx") == {"c"}
    assert addresses(type="HOLDING") == {"b"}
    assert addresses(status="active") == {"a", "c"}
    assert addresses(chain_id=1) == {"c"}
    assert addresses(chain_id=137, status="active", type="MARKET_MAKING") == {"a"}
    (row,) = [c for c in anonymous.get("/api/v1/campaigns/").json() if c["address"][2] == "a"]
    assert Decimal(row["volume"]) == Decimal("1300") and row["our_order_count"] == 2
    bad = anonymous.get("/api/v1/campaigns/", {"type": "SPOT"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_filter"


def test_a_visitor_sees_the_campaign_but_no_order(world):
    _, _, joined = world
    answer = APIClient().get(f"/api/v1/campaigns/{joined.key}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["our_order_count"] == 2 and len(body["leaderboard"]) == 2
    assert body["participations"] == [] and body["my_orders"] == []
    assert "volume" in body["learn_more"]
    assert APIClient().get("/api/v1/campaigns/mine/").status_code in (401, 403)


def test_my_orders_are_mine_only(world, django_user_model):
    mine, theirs, joined = world
    body = client_of(mine.user).get(f"/api/v1/campaigns/{joined.key}/").json()
    assert [o["id"] for o in body["my_orders"]] == [str(mine.pk)]
    assert (
        body["my_orders"][0]["symbol"] == "XIN/USDT" and body["my_orders"][0]["state"] == "running"
    )
    shown = {order_id for p in body["participations"] for order_id in p["order_ids"]}
    assert shown == {str(mine.pk)}

    (campaign,) = client_of(mine.user).get("/api/v1/campaigns/mine/").json()
    assert campaign["key"] == joined.key
    assert [o["id"] for o in campaign["my_orders"]] == [str(mine.pk)]
    (campaign,) = client_of(theirs.user).get("/api/v1/campaigns/mine/").json()
    assert [o["id"] for o in campaign["my_orders"]] == [str(theirs.pk)]
    nobody = django_user_model.objects.create_user(username="no-orders")
    assert client_of(nobody).get("/api/v1/campaigns/mine/").json() == []
    assert client_of(nobody).get(f"/api/v1/campaigns/{joined.key}/").json()["my_orders"] == []


def test_the_flagged_volume_share_by_hand(world):
    _, _, joined = world
    assert flagged_volume_share()["share"] is None  # no manifest: nothing measured
    identity = CampaignParticipation.objects.filter(campaign=joined).first().identity
    fills = [
        {"trade_id": "t1", "price": "2", "amount": "10"},  # 20
        {"trade_id": "t2", "price": "2", "amount": "5"},  # 10, flagged
        {"trade_id": "t3", "price": "1", "amount": "10"},  # 10
    ]
    manifest = {"inputs": {"fills": fills}, "outputs": {"excluded_trade_ids": ["t2"]}}
    RewardReceipt.objects.create(
        snapshot_id="00000000-0000-0000-0000-000000000001",
        campaign=joined,
        identity=identity,
        cycle_from=timezone.now() - timedelta(days=1),
        cycle_to=timezone.now(),
        asset_id="00000000-0000-0000-0000-000000000002",
        amount=1,
        results_sha256="0" * 64,
        manifest_json=json.dumps(manifest),
        trace_id="t",
    )
    share = flagged_volume_share()
    assert share["manifests"] == 1 and share["fill_value"] == Decimal(40)
    assert share["flagged_value"] == Decimal(10) and share["share"] == Decimal("0.25")
    # Public, with no order, account or person in it.
    cache.clear()  # the endpoint answers from a copy up to 60 s old
    body = APIClient().get("/api/v1/node/reputation/").json()
    text = json.dumps(body)
    assert body["flagged_volume"]["share"] == "0.250000"
    for private in (str(world[0].pk), world[0].user.username, identity.address):
        assert private not in text
