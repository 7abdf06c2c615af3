"""The simulated chain under the launcher: an escrow created with a manifest checked by the
launcher's rules, funded by transfers, and set up as a live campaign once it holds its
fund; a signed transfer is executed once per id and refused past its deadline."""

import uuid
from datetime import UTC, datetime, timedelta

from eth_account import Account
from eth_account.messages import encode_defunct

from simulators.hufi.chain import transfer_message
from tests.simulators.hufi.conftest import CHAIN_ID, control, iso, mm_manifest


def escrow_create(hufi, **overrides) -> dict:
    body = {
        "chain_id": CHAIN_ID,
        "token": "USDT",
        "fund_amount": "30",
        "manifest": mm_manifest(),
        "launcher": "0x" + "1" * 40,
        "request_id": str(uuid.uuid4()),
        **overrides,
    }
    return control(hufi, "/chain/escrows", body)


def signed(account, **fields) -> dict:
    body = {
        "chain_id": CHAIN_ID,
        "token": "USDT",
        "from": account.address,
        "transfer_id": str(uuid.uuid4()),
        "deadline": iso(datetime.now(UTC) + timedelta(minutes=5)),
        **fields,
    }
    message = encode_defunct(primitive=transfer_message(body))
    return {**body, "signature": "0x" + bytes(account.sign_message(message).signature).hex()}


def test_an_escrow_becomes_a_live_campaign_once_it_holds_its_fund(hufi):
    escrow = escrow_create(hufi)
    assert (escrow["status"], escrow["balance"]) == ("pending", "0")
    again = escrow_create(hufi, request_id=escrow["request_id"])
    assert again["address"] == escrow["address"]  # same request id, same escrow
    key = f"{CHAIN_ID}-{escrow['address']}"
    assert hufi.get(f"/launcher/campaigns/{key}").status_code == 404

    user = "0x" + "2" * 40
    control(
        hufi,
        "/_sim/chain/mint",
        {"chain_id": CHAIN_ID, "token": "USDT", "address": user, "amount": "30"},
    )
    part = {"chain_id": CHAIN_ID, "token": "USDT", "from": user, "to": escrow["address"]}
    first = control(hufi, "/_sim/chain/transfers", {**part, "amount": "10", "transfer_id": "a"})
    assert first["escrow"]["status"] == "pending" and first["escrow"]["balance"] == "10"
    second = control(hufi, "/_sim/chain/transfers", {**part, "amount": "20", "transfer_id": "b"})
    assert second["escrow"]["status"] == "funded"
    live = hufi.get(f"/launcher/campaigns/{key}").json()
    assert (live["fund_amount"], live["status"], live["launcher"]) == (
        "30",
        "active",
        "0x" + "1" * 40,
    )


def test_an_escrow_manifest_is_checked_by_the_launchers_rules(hufi):
    answer = hufi.post(
        "/chain/escrows",
        json={
            "chain_id": CHAIN_ID,
            "token": "USDT",
            "fund_amount": "5",
            "manifest": mm_manifest(pair="xin-usdt"),
            "request_id": "r-1",
        },
    )
    assert answer.status_code == 400
    details = answer.json()["details"]
    assert any("pair" in d for d in details) and any("at least 30" in d for d in details)


def test_a_signed_transfer_is_executed_once_per_id(hufi):
    escrow = escrow_create(hufi)
    node = Account.create()
    control(
        hufi,
        "/_sim/chain/mint",
        {"chain_id": CHAIN_ID, "token": "USDT", "address": node.address, "amount": "100"},
    )
    transfer = signed(node, to=escrow["address"], amount="30")
    first = control(hufi, "/chain/transfers", transfer)
    repeat = control(hufi, "/chain/transfers", transfer)
    assert repeat["transfer"]["tx_hash"] == first["transfer"]["tx_hash"]
    assert repeat["escrow"]["status"] == "funded" and repeat["escrow"]["balance"] == "30"
    balance = hufi.get(f"/chain/balances/{CHAIN_ID}/USDT/{node.address}").json()
    assert balance == {"balance": "70"}
    found = hufi.get(f"/chain/transfers/{transfer['transfer_id']}").json()
    assert found["transfer"]["tx_hash"] == first["transfer"]["tx_hash"]
    assert hufi.get("/chain/transfers/never-sent").status_code == 404


def test_a_transfer_is_refused_unsigned_by_its_sender_late_or_unfunded(hufi):
    escrow = escrow_create(hufi)
    node, other = Account.create(), Account.create()
    control(
        hufi,
        "/_sim/chain/mint",
        {"chain_id": CHAIN_ID, "token": "USDT", "address": node.address, "amount": "30"},
    )
    forged = {**signed(other, to=escrow["address"], amount="30"), "from": node.address}
    assert hufi.post("/chain/transfers", json=forged).status_code == 401
    late = signed(
        node,
        to=escrow["address"],
        amount="30",
        deadline=iso(datetime.now(UTC) - timedelta(seconds=1)),
    )
    assert hufi.post("/chain/transfers", json=late).status_code == 400
    too_much = signed(node, to=escrow["address"], amount="31")
    answer = hufi.post("/chain/transfers", json=too_much)
    assert answer.status_code == 400 and "insufficient funds" in answer.json()["message"]
    state = hufi.get("/_sim/state").json()
    assert [e["balance"] for e in state["escrows"]] == ["0"]
