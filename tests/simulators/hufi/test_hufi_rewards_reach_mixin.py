"""Venue + HuFi + Mixin simulators together: a participant trades on the venue, the
recording oracle scores the cycle from those fills, and the reward arrives on the Mixin
simulator as a deposit snapshot, like any chain deposit to the node."""

from decimal import Decimal as D

from simulators.hufi.oracle import transfers_deliver
from tests.simulators.hufi.conftest import USDT_MIXIN_ASSET, control, join, trade


def test_a_reward_scored_from_venue_fills_lands_as_a_mixin_snapshot(
    hufi, hufi_world, mixin_sim, campaign, participant
):
    hufi_world.peer_url = mixin_sim.url
    # the node's Mixin deposit address for the reward token's chain
    [entry] = mixin_sim.world.deposit_entry(chain_id=USDT_MIXIN_ASSET)
    created = campaign()
    node, counterparty = participant(), participant()
    control(
        hufi, f"/_sim/users/{node.address}/payout-address", {"payout_address": entry["destination"]}
    )
    join(node, created)
    join(counterparty, created)
    trade(node, counterparty, amount="2", price="100")
    trade(node, counterparty, amount="1", price="100")

    cycle = control(hufi, f"/_sim/campaigns/{created['chain_id']}-{created['address']}/advance")
    # the node made 300 as maker (score 300), the counterparty took 300 (score 126);
    # pool = 300 × 600 / 1000 = 180; node = 180 × 300 / 426 = 126.760563… → 126.760563
    transfers = {t["participant"]: t for t in cycle["transfers"]}
    reward = transfers[node.address]
    assert (reward["amount"], reward["to"]) == ("126.760563", entry["destination"])
    assert reward["status"] == "delivered"
    # the counterparty's own EVM address is no Mixin address: its reward stays on chain
    assert transfers[counterparty.address]["status"] == "external"
    assert transfers[counterparty.address]["amount"] == "53.239436"  # 180 × 126 / 426

    deposits = [s for s in mixin_sim.world.snapshots if s["deposit"]]
    [snapshot] = deposits
    assert snapshot["snapshot_id"] == reward["detail"]
    assert snapshot["asset_id"] == USDT_MIXIN_ASSET
    assert D(snapshot["amount"]) == D("126.760563")
    assert snapshot["deposit"]["deposit_hash"] == reward["tx_hash"]
    assert snapshot["deposit"]["destination"] == entry["destination"]

    # delivering the same transfer again (a retry) makes no second snapshot
    transfers_deliver(
        hufi_world, [t for t in hufi_world.transfers if t.tx_hash == reward["tx_hash"]]
    )
    assert len([s for s in mixin_sim.world.snapshots if s["deposit"]]) == 1
