"""POST /api/v1/campaigns/: a campaign form checked per type by the launcher's rules, every
problem under its field at once; recorded with its creator, once per Idempotency-Key."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from campaigns.models import CampaignLaunch, CampaignLaunchEvent
from wallet.models import MixinUser

pytestmark = pytest.mark.django_db
START = datetime.now(UTC) + timedelta(minutes=5)


@pytest.fixture
def creator(django_user_model, settings):
    settings.HUFI_TOKEN_DECIMALS = {"137:USDT": 6, "1:WETH": 18}
    settings.HUFI_REWARD_ASSETS = {"137:USDT": "b91e18ff-a9ae-3dc7-8679-e935d9a4b34b"}
    user = django_user_model.objects.create_user(username="creator")
    MixinUser.objects.create(user=user, mixin_user_id=uuid.uuid4(), full_name="Creator")
    return user


def post(user, body: dict, key: str | None = None):
    api = APIClient()
    api.force_authenticate(user)
    headers = {"Idempotency-Key": key} if key else {}
    return api.post("/api/v1/campaigns/", body, format="json", headers=headers)


def base(**fields) -> dict:
    return {
        "exchange": "binance",
        "start_date": START.isoformat(),
        "end_date": (START + timedelta(days=3)).isoformat(),
        "chain_id": 137,
        "fund_token": "USDT",
        "fund_amount": "30",
        "funding_method": "evm",
        **fields,
    }


GOOD = {
    "MARKET_MAKING": {"pair": "XIN/USDT", "daily_volume_target": "1000"},
    "COMPETITIVE_MARKET_MAKING": {
        "pair": "XIN/USDT",
        "minimum_volume_required": "500",
        "rewards_distribution": ["50", "30", "20"],
    },
    "THRESHOLD_MARKET_MAKING": {
        "pair": "XIN/USDT",
        "minimum_volume_target": "100",
        "max_participants": 5,
    },
    "HOLDING": {"symbol": "XIN", "daily_balance_target": "0.5"},
    "THRESHOLD": {"symbol": "XIN", "minimum_balance_target": "1"},
}

# Golden bad inputs per type: the exact problems, each under its field, all at once.
BAD = {
    "MARKET_MAKING": (
        {"pair": "xin-usdt", "daily_volume_target": "0.5", "fund_amount": "29.0000001"},
        {
            "pair": ["pair must match ^[0-9A-Z]{2,10}/[0-9A-Z]{3,10}$"],
            "daily_volume_target": ["daily_volume_target must be a number of at least 1"],
            "fund_amount": [
                "fund_amount has more than 6 decimals",
                "fund_amount must be at least 30 (3 days)",
            ],
        },
    ),
    "COMPETITIVE_MARKET_MAKING": (
        {"pair": "XIN/USDT", "minimum_volume_required": "1", "rewards_distribution": ["60", "30"]},
        {"rewards_distribution": ["rewards_distribution must add up to 100"]},
    ),
    "THRESHOLD_MARKET_MAKING": (
        {"pair": "XIN/USDT", "minimum_volume_target": "0"},
        {
            "minimum_volume_target": ["minimum_volume_target must be a number of at least 1"],
            "max_participants": ["max_participants must be an integer of at least 1"],
        },
    ),
    "HOLDING": (
        {"symbol": "XIN/USDT", "daily_balance_target": "0.0001", "funding_method": "wire"},
        {
            "symbol": ["symbol must match ^[0-9A-Z]{2,10}$"],
            "daily_balance_target": ["daily_balance_target must be a number of at least 0.001"],
            "funding_method": ["funding_method must be evm or mixin"],
        },
    ),
    "THRESHOLD": (
        {
            "symbol": "XIN",
            "minimum_balance_target": "1",
            "max_participants": 0,
            "end_date": (START + timedelta(hours=5)).isoformat(),
            "funder_address": "0x12",
        },
        {
            "max_participants": ["max_participants must be an integer of at least 1"],
            "end_date": ["the campaign must last from 6 hours to 100 days"],
            "funder_address": ["funder_address must be an EVM address (0x and 40 hex digits)"],
        },
    ),
}


@pytest.mark.parametrize("campaign_type", list(GOOD))
def test_a_valid_form_of_each_type_is_recorded_with_its_creator(creator, campaign_type):
    answer = post(creator, base(type=campaign_type, **GOOD[campaign_type]))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    launch = CampaignLaunch.objects.get(pk=body["id"])
    assert launch.created_by == creator and launch.state == "draft" == body["state"]
    assert body["escrow"] is None and body["payment"] is None  # EVM: the escrow comes next
    assert launch.type == campaign_type
    assert CampaignLaunchEvent.objects.filter(launch=launch, actor=f"user:{creator.pk}").exists()


@pytest.mark.parametrize("campaign_type", list(BAD))
def test_golden_bad_inputs_list_every_problem_under_its_field(creator, campaign_type):
    fields, problems = BAD[campaign_type]
    answer = post(creator, base(type=campaign_type, **fields))
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert error["detail"] == problems
    assert not CampaignLaunch.objects.exists()


def test_an_unknown_type_and_token_are_named(creator):
    answer = post(creator, base(type="SPOT", fund_token="DOGE"))
    assert answer.json()["error"]["detail"] == {
        "fund_token": [
            "fund_token must be a token campaigns are funded with here (137:USDT, 1:WETH)"
        ],
        "type": [
            "type must be one of MARKET_MAKING, COMPETITIVE_MARKET_MAKING, "
            "THRESHOLD_MARKET_MAKING, HOLDING, THRESHOLD"
        ],
    }


def test_mixin_funding_needs_a_token_mixin_carries_and_a_mixin_login(creator, django_user_model):
    answer = post(
        creator,
        base(
            type="HOLDING", chain_id=1, fund_token="WETH", funding_method="mixin", **GOOD["HOLDING"]
        ),
    )
    assert answer.json()["error"]["detail"]["funding_method"] == [
        "this token cannot be paid on Mixin here; fund it from your EVM wallet"
    ]
    stranger = django_user_model.objects.create_user(username="no-mixin")
    answer = post(stranger, base(type="HOLDING", funding_method="mixin", **GOOD["HOLDING"]))
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "mixin_login_required"


def test_the_idempotency_key_answers_the_first_launch(creator):
    body = base(type="MARKET_MAKING", **GOOD["MARKET_MAKING"])
    first = post(creator, body, key="k-1")
    again = post(creator, body, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert CampaignLaunch.objects.count() == 1
    other = post(creator, {**body, "fund_amount": "40"}, key="k-1")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert post(creator, body).status_code == 201  # no key: a new campaign
    assert CampaignLaunch.objects.count() == 2


def test_a_launch_is_only_its_creators(creator, django_user_model):
    launch_id = post(creator, base(type="HOLDING", **GOOD["HOLDING"])).json()["id"]
    api = APIClient()
    api.force_authenticate(creator)
    mine = api.get("/api/v1/campaigns/launches/").json()
    assert [x["id"] for x in mine] == [launch_id]
    assert api.get(f"/api/v1/campaigns/launches/{launch_id}/").status_code == 200
    other = APIClient()
    other.force_authenticate(django_user_model.objects.create_user(username="other"))
    assert other.get(f"/api/v1/campaigns/launches/{launch_id}/").status_code == 404
    assert other.post(f"/api/v1/campaigns/launches/{launch_id}/cancel/").status_code == 404
    assert APIClient().post("/api/v1/campaigns/", base(), format="json").status_code in (401, 403)
    cancelled = api.post(f"/api/v1/campaigns/launches/{launch_id}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert api.post(f"/api/v1/campaigns/launches/{launch_id}/cancel/").status_code == 409


def test_json_numbers_are_kept_exact(creator):
    body = base(
        type="COMPETITIVE_MARKET_MAKING",
        pair="XIN/USDT",
        minimum_volume_required=500.5,
        rewards_distribution=[60, 40],
    )
    answer = post(creator, body)
    assert answer.status_code == 201, answer.content
    assert answer.json()["details"] == {
        "minimum_volume_required": "500.5",
        "rewards_distribution": [60, 40],  # integers stay integers
    }


def test_a_fund_no_money_column_holds_is_refused(creator):
    answer = post(creator, base(type="HOLDING", **GOOD["HOLDING"], fund_amount="1" + "0" * 30))
    assert answer.status_code == 400
    assert answer.json()["error"]["detail"]["fund_amount"][0].startswith(
        "fund_amount must be less than"
    )
