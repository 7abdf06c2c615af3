"""The recording oracle's endpoints: exchange keys, joining, my campaigns, leaderboard."""

from decimal import Decimal as D

from simulators.venue.control import SimulatorControl
from tests.simulators.hufi.conftest import EXCHANGE, join, mm_manifest


def test_exchange_keys_register_list_revalidate_delete(hufi, venue, participant):
    someone = participant(register=False)
    keys = "/oracle/exchange-api-keys"
    body = {"exchange_name": EXCHANGE, "api_key": someone.read_key[0], "secret_key": "wrong"}
    refused = someone.oracle.post(keys, json=body)
    assert refused.status_code == 422
    assert "cannot read" in refused.json()["message"]
    unknown = someone.oracle.post(keys, json={**body, "exchange_name": "kraken"})
    assert unknown.status_code == 400

    created = someone.oracle.post(keys, json={**body, "secret_key": someone.read_key[1]})
    assert created.status_code == 200
    assert created.json()["exchange_name"] == EXCHANGE
    listed = someone.oracle.get(keys).json()
    assert [(k["exchange_name"], k["api_key"], k["is_valid"]) for k in listed] == [
        (EXCHANGE, someone.read_key[0], True)
    ]
    assert "secret_key" not in listed[0]
    assert someone.oracle.post(f"{keys}/{EXCHANGE}/revalidate").json()["is_valid"] is True
    assert someone.oracle.delete(f"{keys}/{EXCHANGE}").status_code == 200
    assert someone.oracle.get(keys).json() == []
    assert someone.oracle.delete(f"{keys}/{EXCHANGE}").status_code == 404
    assert hufi.get(keys).status_code == 401  # no token


def test_a_key_without_read_permission_is_refused(participant, venue):
    someone = participant(register=False)
    blind = SimulatorControl(venue[1]).account_create(label="blind", permissions=["trade"])
    answer = someone.oracle.post(
        "/oracle/exchange-api-keys",
        json={
            "exchange_name": EXCHANGE,
            "api_key": blind["api_key"],
            "secret_key": blind["secret"],
        },
    )
    assert answer.status_code == 422


def test_join_needs_a_key_and_is_idempotent(campaign, participant):
    created = campaign()
    target = {"chain_id": created["chain_id"], "address": created["address"]}
    keyless = participant(register=False)
    assert keyless.oracle.post("/oracle/campaigns/check-join-status", json=target).json() == {
        "status": "can_join"
    }
    refused = keyless.oracle.post("/oracle/campaigns/join", json=target)
    assert refused.status_code == 400
    assert "key" in refused.json()["message"]

    member = participant()
    first = join(member, created)
    assert join(member, created) == first
    status = member.oracle.post("/oracle/campaigns/check-join-status", json=target).json()
    assert status["status"] == "already_joined" and status["joined_at"].endswith("Z")
    unknown = {"chain_id": 137, "address": "0x" + "1" * 40}
    assert member.oracle.post("/oracle/campaigns/check-join-status", json=unknown).json() == {
        "status": "not_available"
    }
    assert member.oracle.post("/oracle/campaigns/join", json=unknown).status_code == 404


def test_join_closes_at_max_participants_and_at_the_end(hufi, campaign, participant):
    manifest = mm_manifest(type="THRESHOLD_MARKET_MAKING", max_participants=1)
    del manifest["daily_volume_target"]
    manifest["minimum_volume_target"] = 10
    capped = campaign(manifest)
    target = {"chain_id": capped["chain_id"], "address": capped["address"]}
    join(participant(), capped)
    late = participant()
    assert late.oracle.post("/oracle/campaigns/check-join-status", json=target).json() == {
        "status": "join_closed",
        "reason": "max_participants_reached",
    }
    assert late.oracle.post("/oracle/campaigns/join", json=target).status_code == 400

    hufi.post("/_sim/clock", json={"advance_seconds": 3 * 86400})
    ended = participant()
    assert ended.oracle.post("/oracle/campaigns/check-join-status", json=target).json() == {
        "status": "join_closed",
        "reason": "ended",
    }


def test_my_campaigns_lists_joined_ones_with_net_fund(campaign, participant):
    joined = campaign(exchange_oracle_fee_percent="1", recording_oracle_fee_percent="2")
    campaign()
    member = participant()
    join(member, joined)
    mine = member.oracle.get("/oracle/campaigns").json()
    assert mine["has_more"] is False
    assert [c["address"] for c in mine["results"]] == [joined["address"]]
    assert mine["results"][0]["fund_amount_net"] == "873"  # 900 × 97 %
    assert mine["results"][0]["processing_status"] == "in_progress"
    assert mine["results"][0]["cancellation_requested_at"] is None


def test_leaderboard_estimates_the_running_cycle_from_venue_fills(hufi, traded_campaign):
    created, maker, taker = traded_campaign
    key = f"{created['chain_id']}-{created['address']}"
    board = hufi.get(f"/oracle/campaigns/{key}/leaderboard").json()  # public: no token
    # one fill of 200: maker 200 × 1, taker buy 200 × 0.42 = 84; pool 300 × 400 / 1000 = 120
    assert board["total"] == 2
    assert [(r["address"], r["score"], r["result"]) for r in board["data"]] == [
        (maker.address, "200", "200"),
        (taker.address, "84", "200"),
    ]
    assert D(board["data"][0]["estimated_reward"]) == D("84.507042")
    assert D(board["data"][1]["estimated_reward"]) == D("35.492957")
    assert board["data"][0]["estimated_reward_gross"] == board["data"][0]["estimated_reward"]


def test_my_progress_was_removed(hufi, campaign, participant):
    created = campaign()
    member = participant()
    key = f"{created['chain_id']}-{created['address']}"
    assert member.oracle.get(f"/oracle/campaigns/{key}/my-progress").status_code == 404
