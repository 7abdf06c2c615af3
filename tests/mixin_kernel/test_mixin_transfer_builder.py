"""build_transfer: outputs to users with ghost keys, change back to the bot, deterministic
per request id, and spendable once signed with the views and the spend key."""

from decimal import Decimal

import pytest

from mixin_kernel import crypto, decoding, kernel
from mixin_kernel.builders import Receiver, build_transfer, select_inputs
from mixin_kernel.errors import InsufficientInputsError, InvalidAmountError, MixinCodecError
from tests.wallet.mixin_network import SafeKeyring

BOT = "2f6c2a7e-9a51-4a53-8c1f-5a3f1f3c8d21"
ALICE = "9d3c5b2a-1e4f-4a6b-8c7d-0e1f2a3b4c5d"
BOB = "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
CAROL = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"
USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"
REQUEST = "6c1b8e52-2f0a-4d8e-9a4f-3b2c1d0e9f8a"


@pytest.fixture
def network():
    return SafeKeyring()


def _transfer(network, inputs, receivers, **overrides):
    arguments = {
        "request_id": REQUEST,
        "asset_id": USDT,
        "inputs": [o.spendable for o in inputs],
        "receivers": receivers,
        "change_receiver_id": BOT,
        "ghost_keys": network.ghost_keys,
        "extra": b"order 42",
    }
    arguments.update(overrides)
    return build_transfer(**arguments)


def test_pays_the_receiver_and_returns_the_change_to_the_bot(network):
    inputs = [network.pay(BOT, "3"), network.pay(BOT, "2.5", output_index=2)]

    request = _transfer(
        network, inputs, [Receiver(members=(ALICE,), threshold=1, amount=Decimal(4))]
    )

    tx = request.transaction
    assert request.request_id == REQUEST
    assert tx.asset == kernel.asset_hash(USDT)
    assert [(i.hash.hex(), i.index) for i in tx.inputs] == [
        (o.spendable.transaction_hash, o.spendable.output_index) for o in inputs
    ]
    assert [o.amount for o in tx.outputs] == [Decimal(4), Decimal("1.5")]
    assert all(o.script == kernel.threshold_script(1) for o in tx.outputs)
    assert network.can_spend(ALICE, tx, 0) and not network.can_spend(BOT, tx, 0)
    assert network.can_spend(BOT, tx, 1) and not network.can_spend(ALICE, tx, 1)
    assert tx.extra == b"order 42"
    assert [(r.receivers, r.index, r.hint) for r in network.requests[0]] == [
        ((ALICE,), 0, crypto.ghost_key_hint(REQUEST, 0)),
        ((BOT,), 1, crypto.ghost_key_hint(REQUEST, 1)),
    ]
    assert decoding.decode_transaction_hex(request.raw) == tx
    assert request.as_json() == {"request_id": REQUEST, "raw": request.raw}


def test_rebuilding_the_same_request_gives_the_same_transaction(network):
    inputs = [network.pay(BOT, "10")]
    receivers = [Receiver(members=(ALICE,), threshold=1, amount=Decimal("1.23456789"))]

    first = _transfer(network, inputs, receivers)
    again = _transfer(network, inputs, receivers)
    other = _transfer(network, inputs, receivers, request_id="7d2c9f63-3a1b-4e9f-8b5a-4c3d2e1f0a9b")

    assert again.raw == first.raw
    assert again.transaction.hash == first.transaction.hash
    assert other.transaction.hash != first.transaction.hash


def test_an_exact_amount_has_no_change_output(network):
    request = _transfer(
        network,
        [network.pay(BOT, "1"), network.pay(BOT, "2")],
        [Receiver(members=(ALICE,), threshold=1, amount=Decimal(3))],
    )

    assert len(request.transaction.outputs) == 1


def test_a_multisig_receiver_gets_one_key_per_member_and_its_threshold(network):
    request = _transfer(
        network,
        [network.pay(BOT, "5")],
        [Receiver(members=(CAROL, ALICE, BOB), threshold=2, amount=Decimal(5))],
    )

    output = request.transaction.outputs[0]
    assert len(output.keys) == 3
    assert output.script == kernel.threshold_script(2)
    assert network.requests[0][0].receivers == tuple(sorted((CAROL, ALICE, BOB)))
    assert all(network.can_spend(member, request.transaction, 0) for member in (ALICE, BOB, CAROL))


def test_signed_transfer_passes_the_simulators_verification(network):
    inputs = [network.pay(BOT, "3"), network.pay(BOT, "4", output_index=1)]
    request = _transfer(
        network, inputs, [Receiver(members=(ALICE,), threshold=1, amount=Decimal(5))]
    )

    signed_hex = crypto.sign_transaction(
        request.raw, network.views(BOT, inputs), network.user(BOT).spend_seed.hex()
    )

    signed = decoding.decode_transaction_hex(signed_hex)
    assert signed.hash == request.transaction.hash
    crypto.verify_transaction_signatures(signed, [[o.key] for o in inputs])


def test_more_than_the_inputs_hold_is_refused(network):
    with pytest.raises(InsufficientInputsError, match="inputs hold 1.00000000"):
        _transfer(
            network,
            [network.pay(BOT, "1")],
            [Receiver(members=(ALICE,), threshold=1, amount=Decimal(2))],
        )
    with pytest.raises(InsufficientInputsError):
        _transfer(network, [], [Receiver(members=(ALICE,), threshold=1, amount=Decimal(2))])


def test_amounts_with_more_than_eight_places_are_refused():
    with pytest.raises(InvalidAmountError):
        Receiver(members=(ALICE,), threshold=1, amount=Decimal("0.123456789"))
    with pytest.raises(InvalidAmountError):
        Receiver(members=(ALICE,), threshold=1, amount=Decimal("0"))


def test_extra_is_limited_to_256_bytes(network):
    inputs = [network.pay(BOT, "1")]
    receivers = [Receiver(members=(ALICE,), threshold=1, amount=Decimal(1))]

    assert _transfer(network, inputs, receivers, extra=bytes(256)).transaction.extra == bytes(256)
    with pytest.raises(MixinCodecError, match="257 bytes"):
        _transfer(network, inputs, receivers, extra=bytes(257))


def test_references_are_written_into_the_transaction(network):
    referenced = "ab" * 32

    request = _transfer(
        network,
        [network.pay(BOT, "1")],
        [Receiver(members=(ALICE,), threshold=1, amount=Decimal(1))],
        references=[referenced],
    )

    assert request.transaction.references == (bytes.fromhex(referenced),)
    with pytest.raises(MixinCodecError, match="not a transaction hash"):
        _transfer(
            network,
            [network.pay(BOT, "1")],
            [Receiver(members=(ALICE,), threshold=1, amount=Decimal(1))],
            references=["zz"],
        )


def test_a_ghost_key_answer_of_the_wrong_size_is_refused(network):
    with pytest.raises(MixinCodecError, match="0 ghost keys for 1 outputs"):
        _transfer(
            network,
            [network.pay(BOT, "1")],
            [Receiver(members=(ALICE,), threshold=1, amount=Decimal(1))],
            ghost_keys=lambda requests: [],
        )


def test_receivers_must_be_user_ids():
    with pytest.raises(MixinCodecError):
        Receiver(members=("alice",), threshold=1, amount=Decimal(1))


def test_select_inputs_takes_outputs_in_order_until_covered(network):
    unspent = [network.pay(BOT, a).spendable for a in ("1", "2", "3", "4")]

    assert select_inputs(unspent=unspent, amount=Decimal("2.5")) == tuple(unspent[:2])
    assert select_inputs(unspent=unspent, amount=Decimal("3")) == tuple(unspent[:2])
    assert select_inputs(unspent=unspent, amount=Decimal("10")) == tuple(unspent)
    with pytest.raises(InsufficientInputsError, match="10.00000000"):
        select_inputs(unspent=unspent, amount=Decimal("10.00000001"))
