"""Discovery: the sync job copies the launcher's campaigns; the API lists them with
filters, refuses a bad filter with a 400, answers 404 for an unknown campaign, and the
schema describes both operations."""

import pytest
from rest_framework.test import APIClient

from campaigns.hufi import hufi_client
from campaigns.models import Campaign
from campaigns.services.discovery import campaigns_sync
from tests.campaigns.conftest import PAIR, mm_manifest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user(username="u"))
    return client


def test_sync_then_list_filter_and_detail(hufi_settings, campaign, api):
    mm = campaign()
    threshold = campaign(
        mm_manifest(type="THRESHOLD_MARKET_MAKING", minimum_volume_target=10, max_participants=5)
    )
    with hufi_client() as client:
        assert campaigns_sync(client=client) == 2
        assert campaigns_sync(client=client) == 2  # again: updated, not duplicated
    assert Campaign.objects.count() == 2

    everything = api.get("/api/v1/campaigns/").json()
    assert {c["address"] for c in everything} == {
        mm["address"].lower(),
        threshold["address"].lower(),
    }
    only_mm = api.get("/api/v1/campaigns/", {"type": "MARKET_MAKING", "pair": PAIR}).json()
    assert [c["address"] for c in only_mm] == [mm["address"].lower()]
    assert api.get("/api/v1/campaigns/", {"exchange": "okx"}).json() == []
    assert len(api.get("/api/v1/campaigns/", {"chain_id": 137, "status": "active"}).json()) == 2

    detail = api.get(f"/api/v1/campaigns/137-{mm['address']}/").json()
    assert detail["manifest"]["daily_volume_target"] == "1000"
    assert detail["progress"]["cycles_total"] == 3
    assert detail["leaderboard"] == [] and detail["daily_paid_amounts"] == []
    assert "volume" in detail["learn_more"]
    text = (detail["learn_more"] + detail["how_the_node_takes_part"]).lower()
    for promise in ("apy", "yield", "profit", "guarantee"):
        assert promise not in text


def test_bad_filters_and_unknown_campaigns_are_4xx(api, db):
    for query in ({"type": "SPOT"}, {"status": "open"}, {"chain_id": "x"}):
        answer = api.get("/api/v1/campaigns/", query)
        assert answer.status_code == 400, query
        assert answer.json()["error"]["code"] in ("invalid_filter", "invalid")
    missing = api.get("/api/v1/campaigns/137-0x" + "0" * 40 + "/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/campaigns/nonsense/").status_code == 404
    # Public campaign data: anyone may list (tests/campaigns/test_campaign_pages_api.py).
    assert APIClient().get("/api/v1/campaigns/").status_code == 200


def test_the_schema_declares_the_campaign_operations(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/campaigns/"]["get"]
    assert {"200", "400"} <= set(listing["responses"])
    assert {p["name"] for p in listing["parameters"]} >= {
        "exchange",
        "pair",
        "type",
        "status",
        "chain_id",
    }
    detail = schema["paths"]["/api/v1/campaigns/{key}/"]["get"]
    assert {"200", "404"} <= set(detail["responses"])
