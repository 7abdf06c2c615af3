"""Withdrawals to a chain address: the fee in the same or another asset, the chain hash,
typed refusals, and the chain link to the peer simulator."""

import time
import uuid
from decimal import Decimal

import pytest

from simulators.mixin import BotIdentity, SimWorld, start_in_thread
from wallet.errors import MixinRejectedError, RejectReason
from wallet.models import DepositEntry, MixinSnapshot, MixinTransfer
from wallet.selectors import withdrawals_awaiting_hash
from wallet.services.deposits import deposit_entry_for_chain
from wallet.services.intake import snapshots_poll
from wallet.services.transfers import withdrawal_send, withdrawal_track

TOKEN = str(uuid.uuid4())
GAS = str(uuid.uuid4())
ADDRESS = "0x" + "ab" * 20


def withdraw(mixin, amount: str, *, destination: str = ADDRESS, key: str = "o1:withdraw:base"):
    return withdrawal_send(
        purpose=MixinTransfer.Purpose.WITHDRAW_TO_EXCHANGE,
        idempotency_key=key,
        asset_id=uuid.UUID(TOKEN),
        amount=Decimal(amount),
        destination=destination,
        client=mixin,
    )


@pytest.mark.django_db
def test_a_fee_in_the_withdrawn_asset_is_an_output_of_the_same_transaction(mixin, mixin_sim):
    mixin_sim.register_asset(asset_id=TOKEN, withdrawal_fee="0.25")
    mixin_sim.fund_bot(TOKEN, "10")

    transfer = withdraw(mixin, "4")

    assert transfer.state == MixinTransfer.State.SUBMITTED
    assert (transfer.fee_asset_id, transfer.fee_amount) == (uuid.UUID(TOKEN), Decimal("0.25"))
    assert transfer.fee_request_id is None
    assert transfer.withdrawal_hash and transfer.withdrawal_hash_at is not None
    state = mixin_sim.state()
    assert state["bot"]["balances"] == {TOKEN: "5.75"}
    fee_user = next(u for u in state["users"] if u["full_name"] == "Mixin withdrawal fees")
    assert fee_user["balances"] == {TOKEN: "0.25"}
    (delivery,) = state["chain_deliveries"]
    assert (delivery["address"], delivery["amount"]) == (ADDRESS, "4")
    assert delivery["tx_hash"] == transfer.withdrawal_hash


@pytest.mark.django_db
def test_a_fee_in_another_asset_is_a_second_transaction_referencing_the_first(mixin, mixin_sim):
    mixin_sim.register_asset(asset_id=TOKEN, withdrawal_fee="0.002", fee_asset_id=GAS)
    mixin_sim.fund_bot(TOKEN, "10")
    mixin_sim.fund_bot(GAS, "1")

    transfer = withdraw(mixin, "10")

    assert transfer.state == MixinTransfer.State.SUBMITTED
    assert transfer.fee_asset_id == uuid.UUID(GAS)
    fee = mixin.transaction(str(transfer.fee_request_id))
    assert fee["state"] == "spent"
    assert fee["receivers"][0]["members"] == ["674d6776-d600-4346-af46-58e77d8df185"]
    assert fee["transaction_hash"] == transfer.fee_kernel_hash
    assert mixin_sim.state()["bot"]["balances"] == {GAS: "0.998"}


@pytest.mark.django_db
def test_a_withdrawal_whose_fee_the_wallet_cannot_cover_is_refused_before_sending(mixin, mixin_sim):
    mixin_sim.register_asset(asset_id=TOKEN, withdrawal_fee="0.002", fee_asset_id=GAS)
    mixin_sim.fund_bot(TOKEN, "10")
    with pytest.raises(MixinRejectedError) as refused:
        withdraw(mixin, "1")
    assert refused.value.reason == RejectReason.INSUFFICIENT_BALANCE
    assert MixinTransfer.objects.get().state == MixinTransfer.State.PENDING


@pytest.mark.parametrize(
    ("setup", "destination", "reason"),
    [
        ({"minimum_withdrawal": "5"}, ADDRESS, RejectReason.AMOUNT_TOO_SMALL),
        ({}, "not an address!", RejectReason.INVALID_ADDRESS),
    ],
)
@pytest.mark.django_db
def test_mixin_refusals_fail_the_withdrawal_with_a_typed_reason(
    mixin, mixin_sim, setup, destination, reason
):
    mixin_sim.register_asset(asset_id=TOKEN, **setup)
    mixin_sim.fund_bot(TOKEN, "10")
    with pytest.raises(MixinRejectedError) as refused:
        withdraw(mixin, "1", destination=destination)
    assert refused.value.reason == reason
    transfer = MixinTransfer.objects.get()
    assert (transfer.state, transfer.error_reason) == (MixinTransfer.State.FAILED, reason.value)
    assert mixin_sim.state()["bot"]["balances"] == {TOKEN: "10"}


@pytest.mark.django_db
def test_an_insufficient_fee_refusal_is_typed(mixin, mixin_sim):
    mixin_sim.fund_bot(TOKEN, "10")
    mixin_sim.fault(path="/safe/transaction/requests", method="POST", kind="error", code=20124)
    with pytest.raises(MixinRejectedError) as refused:
        withdraw(mixin, "1")
    assert refused.value.reason == RejectReason.INSUFFICIENT_FEE
    assert MixinTransfer.objects.get().state == MixinTransfer.State.FAILED


@pytest.mark.django_db
def test_the_chain_hash_is_recorded_from_the_outgoing_snapshot_too(mixin, mixin_sim, sent_tasks):
    mixin_sim.fund_bot(TOKEN, "10")
    transfer = withdraw(mixin, "1")
    MixinTransfer.objects.filter(pk=transfer.pk).update(withdrawal_hash="", withdrawal_hash_at=None)
    assert list(withdrawals_awaiting_hash()) == [transfer]

    snapshots_poll(client=mixin)

    assert not withdrawals_awaiting_hash().exists()
    transfer.refresh_from_db()
    outgoing = MixinSnapshot.objects.get(direction=MixinSnapshot.Direction.OUTGOING)
    assert outgoing.withdrawal["withdrawal_hash"] == transfer.withdrawal_hash
    assert outgoing.transaction_hash == transfer.kernel_hash
    assert withdrawal_track(transfer=transfer, client=mixin).withdrawal_hash


@pytest.fixture
def peer_sim():
    """Another party on the chain (standing in for the venue simulator)."""
    from wallet.keystore import generate_keystore_json, keystore_from_json

    peer = keystore_from_json(generate_keystore_json(), source="peer")
    world = SimWorld(BotIdentity.from_keystore(peer))
    url, stop = start_in_thread(world)
    yield url, world
    stop()


@pytest.mark.django_db
def test_a_withdrawal_to_the_peers_deposit_address_arrives_there_with_the_same_hash(
    keystore, peer_sim
):
    peer_url, peer_world = peer_sim
    peer_address = peer_world.deposit_entry(chain_id=TOKEN)[0]["destination"]
    world = SimWorld(BotIdentity.from_keystore(keystore), peer_url=peer_url)
    url, stop = start_in_thread(world)
    try:
        from wallet.client import MixinClient

        with MixinClient(base_url=url, keystore=keystore, timeout_seconds=2) as client:
            entry = deposit_entry_for_chain(chain_id=uuid.UUID(TOKEN), client=client)
            world.chain_incoming(
                {"asset_id": TOKEN, "address": entry.destination, "amount": "5", "tx_hash": "f0"}
            )
            transfer = withdraw(client, "2", destination=peer_address)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not peer_world.snapshots:
            time.sleep(0.02)
    finally:
        stop()
    (arrived,) = peer_world.snapshots
    assert arrived["deposit"]["deposit_hash"] == transfer.withdrawal_hash
    assert (arrived["amount"], arrived["asset_id"]) == ("2", TOKEN)
    assert world.state_summary()["chain_deliveries"][0]["status"] == "delivered"
    assert DepositEntry.objects.get().destination == entry.destination
