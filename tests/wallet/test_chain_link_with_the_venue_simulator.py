"""The chain between the Mixin simulator and the venue simulator, both ways, through the
real clients: a Mixin withdrawal to a venue deposit address arrives at the venue with the
same hash, and a venue withdrawal to the bot's deposit entry becomes a deposit snapshot.

The venue simulator is another engineer's work; until both are merged this module skips."""

import time
import uuid
from decimal import Decimal

import pytest

pytest.importorskip("simulators.venue.server", reason="needs the venue simulator")

from simulators.venue.control import SimulatorControl  # noqa: E402
from simulators.venue.server import start_in_thread as start_venue  # noqa: E402
from tests.exchanges.venue_fixtures import binance_client  # noqa: E402
from wallet.models import MixinSnapshot, MixinTransfer  # noqa: E402
from wallet.services.deposits import deposit_entry_for_chain  # noqa: E402
from wallet.services.intake import snapshots_poll  # noqa: E402
from wallet.services.transfers import withdrawal_send  # noqa: E402

XIN = "c94ac88f-4671-3976-b60a-09064f1811e8"


def wait_for(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the other side of the chain")


@pytest.fixture
def venue(mixin_sim):
    """A venue simulator and the Mixin simulator as each other's peer on the chain."""
    venue_url, stop = start_venue(seed=3, agent_interval_s=0, peer_url=mixin_sim.url)
    mixin_sim.world.peer_url = venue_url
    control = SimulatorControl(venue_url)
    control.market_create(
        symbol="XIN/USDT",
        mid="100",
        tick_size="0.01",
        step_size="0.001",
        min_notional="1",
        agents=False,
    )
    control.coin_configure(
        coin="XIN", network="MIXIN", withdraw_fee="0.01", withdraw_min="0.1", mixin_asset_id=XIN
    )
    account = control.account_create(label="mm", permissions=["read", "trade", "withdraw"])
    yield control, account, binance_client(venue_url, account["api_key"], account["secret"])
    stop()


@pytest.mark.django_db
def test_a_mixin_withdrawal_arrives_at_the_venue_with_the_same_hash(mixin, mixin_sim, venue):
    _, _, exchange = venue
    address = exchange.fetch_deposit_address("XIN", {"network": "MIXIN"})["address"]
    mixin_sim.fund_bot(XIN, "5")

    transfer = withdrawal_send(
        purpose=MixinTransfer.Purpose.WITHDRAW_TO_EXCHANGE,
        idempotency_key="o1:withdraw_to_exchange:base",
        asset_id=uuid.UUID(XIN),
        amount=Decimal("2"),
        destination=address,
        client=mixin,
    )

    deposit = wait_for(
        lambda: next(
            (d for d in exchange.fetch_deposits("XIN") if d["txid"] == transfer.withdrawal_hash),
            None,
        )
    )
    assert Decimal(str(deposit["amount"])) == Decimal("2")
    assert deposit["address"] == address


@pytest.mark.django_db(transaction=True)
def test_a_venue_withdrawal_to_the_bots_deposit_entry_becomes_a_deposit_snapshot(
    mixin, mixin_sim, venue, sent_tasks
):
    control, account, exchange = venue
    control.credit(api_key=account["api_key"], asset="XIN", amount="3")
    entry = deposit_entry_for_chain(chain_id=uuid.UUID(XIN), client=mixin)

    withdrawal = exchange.withdraw(
        "XIN", "1", entry.destination, {"network": "MIXIN", "withdrawOrderId": "o1:exit"}
    )

    tx_hash = wait_for(
        lambda: next(
            (w["txid"] for w in exchange.fetch_withdrawals("XIN") if w["id"] == withdrawal["id"]),
            None,
        )
    )
    wait_for(lambda: snapshots_poll(client=mixin).new)
    snapshot = MixinSnapshot.objects.get()
    assert snapshot.deposit["deposit_hash"] == tx_hash
    assert snapshot.asset_id == uuid.UUID(XIN)
    assert snapshot.amount == Decimal("0.99")  # the venue kept its 0.01 fee
    assert [kwargs["snapshot_id"] for _, kwargs in sent_tasks] == [str(snapshot.snapshot_id)]
