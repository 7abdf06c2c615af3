"""The /_sim/ control API: advance a cycle, results files by sha256, the clock, cancel."""

import hashlib
from decimal import Decimal as D

from tests.simulators.hufi.conftest import CHAIN_ID, control, join, mm_manifest, trade


def key_of(campaign: dict) -> str:
    return f"{campaign['chain_id']}-{campaign['address']}"


def test_advance_scores_pays_and_stores_the_results_file(hufi, traded_campaign):
    created, maker, taker = traded_campaign

    cycle = control(hufi, f"/_sim/campaigns/{key_of(created)}/advance")
    # 200 maker (score 200) and 200 taker buy (score 84); pool 300 × 400 / 1000 = 120
    assert cycle["reserved_funds"] == "120"
    assert [(o["address"], o["score"], o["total_volume"]) for o in cycle["outcomes"]] == [
        (maker.address, "200", "200"),
        (taker.address, "84", "200"),
    ]
    assert [(t["participant"], t["amount"]) for t in cycle["transfers"]] == [
        (maker.address, "84.507042"),
        (taker.address, "35.492957"),
    ]
    # no peer: the transfers stay on the simulated chain
    assert {t["status"] for t in cycle["transfers"]} == {"external"}

    url = cycle["results_url"]
    digest = url.rsplit("/", 1)[1].removesuffix(".json")
    body = hufi.get(url).content
    assert hashlib.sha256(body).hexdigest() == digest
    document = hufi.get(url).json()
    assert (document["chain_id"], document["address"]) == (CHAIN_ID, created["address"])
    assert (document["exchange"], document["symbol"]) == ("binance", "XIN/USDT")
    [entry] = document["results"]
    assert (entry["reserved_funds"], entry["total_volume"]) == ("120", "400")
    [batch] = entry["participants_outcomes_batches"]
    assert batch["results"] == [
        {"address": maker.address, "score": "200", "total_volume": "200"},
        {"address": taker.address, "score": "84", "total_volume": "200"},
    ]
    assert hufi.get(f"/results/{'0' * 64}.json").status_code == 404

    detail = hufi.get(f"/launcher/campaigns/{key_of(created)}").json()
    assert detail["amount_paid"] == "119.999999"
    assert D(detail["balance"]) == D("900") - D("119.999999")
    assert detail["intermediate_results_url"] == url
    paid = hufi.get(f"/launcher/campaigns/{key_of(created)}/daily-paid-amounts").json()
    assert paid == {"results": [{"date": entry["from"][:10], "amount": "119.999999"}]}

    # the next cycle has no fills yet: nothing is paid, the results file grows by one entry
    second = control(hufi, f"/_sim/campaigns/{key_of(created)}/advance")
    assert (second["reserved_funds"], second["transfers"]) == ("0", [])
    assert len(hufi.get(second["results_url"]).json()["results"]) == 2


def test_run_due_scores_cycles_that_ended_by_the_clock_and_completes(hufi, campaign, participant):
    created = campaign()
    member = participant()
    join(member, created)
    assert control(hufi, "/_sim/cycles/run-due") == {"cycles": []}
    control(hufi, "/_sim/clock", {"advance_seconds": 2 * 86400})
    assert len(control(hufi, "/_sim/cycles/run-due")["cycles"]) == 2
    clock = hufi.get("/_sim/clock").json()
    control(hufi, "/_sim/clock", {"now": clock["now"].replace("Z", "+00:00")})
    control(hufi, "/_sim/clock", {"advance_seconds": 86400})
    assert len(control(hufi, "/_sim/cycles/run-due")["cycles"]) == 1
    detail = hufi.get(f"/launcher/campaigns/{key_of(created)}").json()
    assert detail["status"] == "completed"
    assert detail["final_results_url"] == detail["intermediate_results_url"]
    assert detail["finalized_at"] is not None
    advance = hufi.post(f"/_sim/campaigns/{key_of(created)}/advance")
    assert advance.status_code == 400
    board = hufi.get(f"/oracle/campaigns/{key_of(created)}/leaderboard").json()
    assert [row["address"] for row in board["data"]] == [member.address]
    stats = hufi.get("/launcher/stats/campaigns").json()
    assert (stats["n_active_campaigns"], stats["n_finished_campaigns"]) == (0, 1)


def test_cancel_cuts_the_running_cycle_and_ends_as_cancelled(hufi, campaign):
    created = campaign()
    cancelled = control(hufi, f"/_sim/campaigns/{key_of(created)}/cancel")
    assert cancelled["status"] == "to_cancel"
    assert cancelled["cancellation_requested_at"] is not None
    cycle = control(hufi, f"/_sim/campaigns/{key_of(created)}/advance")
    assert cycle["to"] == cancelled["cancellation_requested_at"]
    detail = hufi.get(f"/launcher/campaigns/{key_of(created)}").json()
    assert detail["status"] == "cancelled"
    assert hufi.post(f"/_sim/campaigns/{key_of(created)}/cancel").status_code == 400


def test_shared_deposit_address_scores_the_later_joiner_zero(hufi, campaign, participant):
    created = campaign()
    first, buyer = participant(), participant()
    copycat = participant(same_account_as=first)  # another HuFi identity, same venue account
    for member in (first, buyer, copycat):
        join(member, created)
    trade(first, buyer, amount="1", price="100")
    cycle = control(hufi, f"/_sim/campaigns/{key_of(created)}/advance")
    outcomes = {o["address"]: o for o in cycle["outcomes"]}
    assert outcomes[first.address]["score"] == "100"
    assert (outcomes[copycat.address]["score"], outcomes[copycat.address]["excluded"]) == (
        "0",
        "shared_deposit_address",
    )
    assert copycat.address not in {t["participant"] for t in cycle["transfers"]}


def test_state_shows_users_keys_campaigns_and_transfers(hufi, campaign, participant):
    created = campaign(manifest=mm_manifest())
    member = participant()
    join(member, created)
    payout = control(
        hufi, f"/_sim/users/{member.address}/payout-address", {"payout_address": "0xabc"}
    )
    assert payout == {"address": member.address, "payout_address": "0xabc"}
    state = hufi.get("/_sim/state").json()
    [user] = state["users"]
    assert (user["address"], user["payout_address"]) == (member.address, "0xabc")
    assert user["api_keys"][0]["api_key"] == member.read_key[0]
    [listed] = state["campaigns"]
    assert (listed["cycles_done"], listed["cycles"]) == (0, 3)
    assert [p["address"] for p in listed["participants"]] == [member.address]
    assert state["tokens"][0]["symbol"] == "USDT"
    unknown = hufi.post(f"/_sim/users/0x{'2' * 40}/payout-address", json={"payout_address": "x"})
    assert unknown.status_code == 404
