"""The simulator accepts only what the kernel would: encode → sign → verify round trip, and
a tampered signature or amount is refused."""

import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from mixin_kernel import builders
from mixin_kernel.crypto import GhostKeys, sign_transaction
from mixin_kernel.decoding import decode_transaction_hex
from wallet.errors import MixinRejectedError, RejectReason

ASSET = str(uuid.uuid4())


def registered_transfer(mixin, mixin_sim, *, amount: str = "1", extra: bytes = b"") -> dict:
    """Build and register a transfer of `amount` from a bot funded with 3; returns Mixin's
    answer (raw unsigned transaction and the views)."""
    mixin_sim.fund_bot(ASSET, "3")
    receiver = mixin_sim.user("Receiver")
    outputs = mixin.unspent_outputs(asset=ASSET)
    request = builders.build_transfer(
        request_id=str(uuid.uuid4()),
        asset_id=ASSET,
        inputs=[
            builders.SpendableOutput(o["transaction_hash"], o["output_index"], Decimal(o["amount"]))
            for o in outputs
        ],
        receivers=[builders.Receiver(members=(receiver,), threshold=1, amount=Decimal(amount))],
        change_receiver_id=mixin.keystore.app_id,
        ghost_keys=lambda reqs: [
            GhostKeys.from_json(k) for k in mixin.ghost_keys([r.as_json() for r in reqs])
        ],
        extra=extra,
    )
    (answer,) = mixin.transaction_requests_create([request.as_json()])
    assert answer["views"] and answer["state"] == "unspent"
    return answer


def sign(mixin, answer: dict) -> str:
    return sign_transaction(
        answer["raw_transaction"], answer["views"], mixin.keystore.spend_private_key_hex
    )


@pytest.mark.django_db
def test_encode_sign_and_verify_round_trip(mixin, mixin_sim):
    answer = registered_transfer(mixin, mixin_sim, extra=b"memo")
    (sent,) = mixin.transactions_submit(
        [{"request_id": answer["request_id"], "raw": sign(mixin, answer)}]
    )
    assert sent["state"] == "spent"
    assert decode_transaction_hex(sent["raw_transaction"]).hash == answer["transaction_hash"]
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "2"}


@pytest.mark.django_db
def test_a_tampered_signature_is_refused(mixin, mixin_sim):
    answer = registered_transfer(mixin, mixin_sim)
    tx = decode_transaction_hex(sign(mixin, answer))
    forged_signature = bytearray(tx.signatures[0][0])
    forged_signature[5] ^= 0x01
    forged = replace(tx, signatures=({0: bytes(forged_signature)},))
    with pytest.raises(MixinRejectedError) as refused:
        mixin.transactions_submit(
            [{"request_id": answer["request_id"], "raw": forged.encode().hex()}]
        )
    assert refused.value.reason == RejectReason.INVALID_FIELD
    assert "signature" in refused.value.message
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "3"}


@pytest.mark.django_db
def test_a_signature_by_another_spend_key_is_refused(mixin, mixin_sim):
    answer = registered_transfer(mixin, mixin_sim)
    stranger = sign_transaction(answer["raw_transaction"], answer["views"], "11" * 32)
    with pytest.raises(MixinRejectedError, match="signature"):
        mixin.transactions_submit([{"request_id": answer["request_id"], "raw": stranger}])


@pytest.mark.django_db
def test_a_tampered_amount_is_refused(mixin, mixin_sim):
    answer = registered_transfer(mixin, mixin_sim)
    tx = decode_transaction_hex(answer["raw_transaction"])
    paid, change = tx.outputs
    richer = replace(
        tx,
        outputs=(replace(paid, amount=paid.amount + 1), replace(change, amount=change.amount - 1)),
    )
    resigned = sign_transaction(
        richer.encode().hex(), answer["views"], mixin.keystore.spend_private_key_hex
    )
    with pytest.raises(MixinRejectedError, match="differs from its request"):
        mixin.transactions_submit([{"request_id": answer["request_id"], "raw": resigned}])
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "3"}


@pytest.mark.django_db
def test_outputs_beyond_the_inputs_are_refused_as_insufficient_balance(mixin, mixin_sim):
    answer = registered_transfer(mixin, mixin_sim)
    tx = decode_transaction_hex(answer["raw_transaction"])
    inflated = replace(tx, outputs=(replace(tx.outputs[0], amount=Decimal(50)), tx.outputs[1]))
    with pytest.raises(MixinRejectedError) as refused:
        mixin.transaction_requests_create(
            [{"request_id": str(uuid.uuid4()), "raw": inflated.encode().hex()}]
        )
    assert refused.value.reason == RejectReason.INSUFFICIENT_BALANCE
    assert refused.value.mixin_code == 20117


@pytest.mark.django_db
def test_spending_an_output_twice_is_refused(mixin, mixin_sim):
    answer = registered_transfer(mixin, mixin_sim)
    mixin.transactions_submit([{"request_id": answer["request_id"], "raw": sign(mixin, answer)}])
    with pytest.raises(MixinRejectedError) as refused:
        mixin.transaction_requests_create(
            [{"request_id": str(uuid.uuid4()), "raw": answer["raw_transaction"]}]
        )
    assert refused.value.reason == RejectReason.INSUFFICIENT_BALANCE
