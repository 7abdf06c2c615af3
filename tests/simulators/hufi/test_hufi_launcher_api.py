"""The campaign launcher's public endpoints, as a client reads them."""

from tests.simulators.hufi.conftest import CHAIN_ID, EXCHANGE, PAIR, control, mm_manifest

CAMPAIGN_FIELDS = {
    "chain_id", "address", "type", "exchange_name", "symbol", "details", "start_date",
    "end_date", "created_at", "cancellation_requested_at", "finalized_at", "fund_amount",
    "fund_token", "fund_token_symbol", "fund_token_decimals", "balance", "amount_paid",
    "launcher", "exchange_oracle", "recording_oracle", "reputation_oracle",
    "intermediate_results_url", "final_results_url", "status",
}  # fmt: skip
DETAIL_FIELDS = {
    "exchange_oracle_fee_percent", "recording_oracle_fee_percent",
    "reputation_oracle_fee_percent", "reserved_funds",
}  # fmt: skip


def test_campaign_list_filters_pages_and_drops_unknown_keys(hufi, campaign):
    mm = campaign()
    holding = campaign(
        {
            **{k: v for k, v in mm_manifest().items() if k not in ("pair", "daily_volume_target")},
            "type": "HOLDING",
            "symbol": "XIN",
            "daily_balance_target": "50",
        }
    )
    page = hufi.get("/launcher/campaigns").json()
    assert page["has_more"] is False
    assert [c["address"] for c in page["results"]] == [holding["address"], mm["address"]]
    assert set(page["results"][0]) == CAMPAIGN_FIELDS

    def addresses(**query: object) -> list[str]:
        answer = hufi.get("/launcher/campaigns", params=query)
        assert answer.status_code == 200, answer.text
        return [c["address"] for c in answer.json()["results"]]

    assert addresses(type="HOLDING") == [holding["address"]]
    assert addresses(exchange=EXCHANGE, status="active", chain_id=CHAIN_ID, page=7) == [
        holding["address"],
        mm["address"],
    ]
    assert addresses(chain_id=1) == []
    assert addresses(launcher=mm["launcher"].lower(), type="MARKET_MAKING") == [mm["address"]]
    first = hufi.get("/launcher/campaigns", params={"limit": 1}).json()
    assert (first["has_more"], len(first["results"])) == (True, 1)
    second = hufi.get("/launcher/campaigns", params={"limit": 1, "skip": 1}).json()
    assert (second["has_more"], second["results"][0]["address"]) == (False, mm["address"])
    assert hufi.get("/launcher/campaigns", params={"limit": 1001}).status_code == 400


def test_campaign_detail_has_fees_and_amounts_as_decimal_text(hufi, campaign):
    created = campaign(
        fund_amount="1000.5",
        exchange_oracle_fee_percent="1",
        recording_oracle_fee_percent="0.5",
        reputation_oracle_fee_percent="1",
    )
    detail = hufi.get(f"/launcher/campaigns/{created['chain_id']}-{created['address']}").json()
    assert set(detail) == CAMPAIGN_FIELDS | DETAIL_FIELDS
    assert detail["type"] == "MARKET_MAKING"
    assert detail["symbol"] == PAIR
    assert detail["details"] == {"daily_volume_target": "1000"}
    assert (detail["fund_amount"], detail["balance"], detail["amount_paid"]) == (
        "1000.5",
        "1000.5",
        "0",
    )
    assert (detail["fund_token_symbol"], detail["fund_token_decimals"]) == ("USDT", 6)
    assert detail["recording_oracle_fee_percent"] == "0.5"
    assert detail["reserved_funds"] == "25.0125"  # 2.5 % of 1000.5
    assert detail["start_date"].endswith("Z") and detail["status"] == "active"
    paid = f"/launcher/campaigns/{created['chain_id']}-{created['address']}/daily-paid-amounts"
    assert hufi.get(paid).json() == {"results": []}
    missing = hufi.get(f"/launcher/campaigns/137-0x{'0' * 40}")
    assert missing.status_code == 404
    assert missing.json()["error"] == "Not Found"


def test_exchanges_pairs_currencies_stats_and_ping(hufi, campaign):
    assert hufi.get("/launcher/exchanges").json() == [
        {"name": EXCHANGE, "display_name": EXCHANGE, "type": "cex"}
    ]
    assert hufi.get(f"/launcher/exchanges/{EXCHANGE}/trading-pairs").json() == [PAIR]
    assert hufi.get(f"/launcher/exchanges/{EXCHANGE}/currencies").json() == ["USDT", "XIN"]
    assert hufi.get("/launcher/exchanges/kraken/trading-pairs").status_code == 404
    campaign(fund_amount="900")
    assert hufi.get("/launcher/stats/campaigns", params={"chain_id": CHAIN_ID}).json() == {
        "n_active_campaigns": 1,
        "rewards_pool_usd": "900",
        "n_finished_campaigns": 0,
        "total_rewards_distributed": "0",
    }
    assert (
        hufi.get("/launcher/stats/campaigns", params={"chain_id": 1}).json()["n_active_campaigns"]
        == 0
    )
    assert hufi.get("/launcher/health/ping").json() == {"status": "ok"}
    assert hufi.get("/launcher/nothing-here").status_code == 404


def test_campaign_creation_reports_every_broken_rule(hufi):
    answer = hufi.post(
        "/_sim/campaigns",
        json={
            "chain_id": CHAIN_ID,
            "fund_token": "USDT",
            "fund_amount": "5",
            "manifest": mm_manifest(pair="XIN-USDT", daily_volume_target="0"),
        },
    )
    assert answer.status_code == 400
    assert answer.json()["details"] == [
        "pair 'XIN-USDT' does not match ^[0-9A-Z]{2,10}/[0-9A-Z]{3,10}$",
        "daily_volume_target must be at least 1",
        "the fund must be at least 30 (3 days)",
    ]
    too_precise = {"chain_id": CHAIN_ID, "fund_token": "USDT", "fund_amount": "100.0000001"}
    assert (
        hufi.post("/_sim/campaigns", json={**too_precise, "manifest": mm_manifest()}).json()[
            "message"
        ]
        == "fund_amount has more than 6 decimals"
    )
    unknown_token = {"chain_id": 1, "fund_token": "USDT", "fund_amount": "100"}
    assert hufi.post("/_sim/campaigns", json={**unknown_token, "manifest": {}}).status_code == 400
    assert control(hufi, "/_sim/cycles/run-due") == {"cycles": []}
