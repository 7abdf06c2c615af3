"""build_withdrawal: the 0xa1 withdrawal output first, the fee to Mixin's fee user in the
same transaction (same asset) or in a second one that references the first (other asset)."""

import uuid
from decimal import Decimal

import pytest

from mixin_kernel import crypto, decoding, kernel
from mixin_kernel.builders import (
    MIXIN_FEE_USER_ID,
    WithdrawalDestination,
    build_withdrawal,
    fee_request_id,
)
from mixin_kernel.errors import InsufficientInputsError, MixinCodecError
from tests.wallet.mixin_network import SafeKeyring

BOT = "2f6c2a7e-9a51-4a53-8c1f-5a3f1f3c8d21"
USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"
ETH = "43d61dcd-e413-450d-80b8-101d5e903357"
REQUEST = "6c1b8e52-2f0a-4d8e-9a4f-3b2c1d0e9f8a"
ADDRESS = "0x8A9b6bA3C2f1b0cE4a7D5e3F2a1B0c9D8e7F6a5B"


@pytest.fixture
def network():
    return SafeKeyring()


def _withdraw(network, **overrides):
    arguments = {
        "request_id": REQUEST,
        "asset_id": USDT,
        "inputs": [network.pay(BOT, "100").spendable],
        "destination": WithdrawalDestination(address=ADDRESS, tag="", amount=Decimal("60")),
        "fee_asset_id": USDT,
        "fee_amount": Decimal("1.5"),
        "change_receiver_id": BOT,
        "ghost_keys": network.ghost_keys,
        "extra": b"exit order 42",
    }
    arguments.update(overrides)
    return build_withdrawal(**arguments)


def test_same_asset_fee_is_an_output_of_the_withdrawal_transaction(network):
    (request,) = _withdraw(network)

    tx = request.transaction
    assert request.request_id == REQUEST
    submit, fee, change = tx.outputs
    assert submit.type == kernel.OUTPUT_TYPE_WITHDRAWAL_SUBMIT
    assert submit.withdrawal == kernel.WithdrawalData(address=ADDRESS, tag="")
    assert (submit.amount, submit.keys, submit.mask, submit.script) == (
        Decimal(60),
        (),
        kernel.ZERO_KEY,
        b"",
    )
    assert fee.amount == Decimal("1.5") and network.can_spend(MIXIN_FEE_USER_ID, tx, 1)
    assert change.amount == Decimal("38.5") and network.can_spend(BOT, tx, 2)
    assert [(r.receivers, r.index) for r in network.requests[0]] == [
        ((MIXIN_FEE_USER_ID,), 1),
        ((BOT,), 2),
    ]
    assert tx.extra == b"exit order 42"
    assert decoding.decode_transaction_hex(request.raw).outputs[0].withdrawal.address == ADDRESS


def test_other_asset_fee_is_a_second_transaction_referencing_the_first(network):
    eth_inputs = [network.pay(BOT, "0.01").spendable]

    withdrawal, fee = _withdraw(
        network, fee_asset_id=ETH, fee_amount=Decimal("0.0042"), fee_inputs=eth_inputs
    )

    assert withdrawal.request_id == REQUEST
    assert [o.amount for o in withdrawal.transaction.outputs] == [Decimal(60), Decimal(40)]
    assert withdrawal.transaction.asset == kernel.asset_hash(USDT)
    assert fee.request_id == str(uuid.uuid5(uuid.UUID(REQUEST), "FEE")) == fee_request_id(REQUEST)
    assert fee.transaction.asset == kernel.asset_hash(ETH)
    assert fee.transaction.references == (bytes.fromhex(withdrawal.transaction.hash),)
    assert [o.amount for o in fee.transaction.outputs] == [Decimal("0.0042"), Decimal("0.0058")]
    assert network.can_spend(MIXIN_FEE_USER_ID, fee.transaction, 0)
    assert network.can_spend(BOT, fee.transaction, 1)
    assert network.requests[1][0].hint == crypto.ghost_key_hint(fee.request_id, 0)


def test_a_tag_travels_with_the_withdrawal(network):
    destination = WithdrawalDestination(
        address="rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh", tag="12345", amount=Decimal(1)
    )

    (request,) = _withdraw(network, destination=destination)

    assert request.transaction.outputs[0].withdrawal.tag == "12345"


def test_a_fee_the_inputs_cannot_cover_is_refused(network):
    with pytest.raises(InsufficientInputsError):
        _withdraw(network, fee_amount=Decimal("40.00000001"))
    with pytest.raises(InsufficientInputsError):
        _withdraw(
            network,
            fee_asset_id=ETH,
            fee_amount=Decimal("0.02"),
            fee_inputs=[network.pay(BOT, "0.01").spendable],
        )


def test_a_zero_fee_sends_the_withdrawal_alone(network):
    requests = _withdraw(network, fee_asset_id=ETH, fee_amount=Decimal(0))

    assert len(requests) == 1
    assert len(requests[0].transaction.outputs) == 2


def test_a_blank_address_is_refused():
    with pytest.raises(MixinCodecError):
        WithdrawalDestination(address="", tag="", amount=Decimal(1))
    with pytest.raises(MixinCodecError):
        WithdrawalDestination(address=" 0xabc", tag="", amount=Decimal(1))
