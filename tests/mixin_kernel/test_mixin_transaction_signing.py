"""A Safe transaction signed with the views and the spend key verifies against the ghost keys
of the outputs it spends; a tampered signature or amount does not."""

import os
from dataclasses import replace
from decimal import Decimal

import pytest

from mixin_kernel import crypto, decoding, kernel
from mixin_kernel.errors import InvalidKeyError, InvalidSignatureError

USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"


class Bot:
    """A bot's keys as the network sees them: Mixin keeps the view key, the bot the spend seed."""

    def __init__(self) -> None:
        self.spend_seed = os.urandom(32)
        self.view_private = crypto.scalar_from_uniform_bytes(os.urandom(64))
        self.member = crypto.MemberKeys(
            view_public=crypto.public_key(self.view_private),
            spend_public=crypto.public_key(crypto.scalar_from_seed(self.spend_seed)),
        )

    def receive(self, output_index: int) -> tuple[bytes, bytes]:
        """An output paid to the bot: its mask and its one ghost key."""
        keys = crypto.ghost_keys(
            mask_private=crypto.scalar_from_uniform_bytes(os.urandom(64)),
            members=[self.member],
            output_index=output_index,
        )
        return keys.mask, keys.keys[0]


@pytest.fixture
def bot():
    return Bot()


def _spending_transaction(spent: list[tuple[bytes, int]]) -> kernel.Transaction:
    receiver = crypto.ghost_keys(
        mask_private=crypto.scalar_from_uniform_bytes(os.urandom(64)),
        members=[Bot().member],
        output_index=0,
    )
    return kernel.Transaction(
        asset=kernel.asset_hash(USDT),
        inputs=tuple(kernel.Input(hash=h, index=i) for h, i in spent),
        outputs=(
            kernel.Output(
                type=kernel.OUTPUT_TYPE_SCRIPT,
                amount=Decimal("12.5"),
                keys=receiver.keys,
                mask=receiver.mask,
                script=kernel.threshold_script(1),
            ),
        ),
        extra=b"memo",
    )


def _sign_as_safe(bot: Bot, tx: kernel.Transaction, masks: list[tuple[bytes, int]]) -> str:
    views = [crypto.ghost_view_key(mask, bot.view_private, index).hex() for mask, index in masks]
    return crypto.sign_transaction(tx.encode().hex(), views, bot.spend_seed.hex())


def test_signed_inputs_verify_against_the_spent_ghost_keys(bot):
    (mask_a, key_a), (mask_b, key_b) = bot.receive(0), bot.receive(3)
    tx = _spending_transaction([(os.urandom(32), 0), (os.urandom(32), 3)])

    signed_hex = _sign_as_safe(bot, tx, [(mask_a, 0), (mask_b, 3)])

    signed = decoding.decode_transaction_hex(signed_hex)
    assert signed.hash == tx.hash
    assert [set(m) for m in signed.signatures] == [{0}, {0}]
    crypto.verify_transaction_signatures(signed, [[key_a], [key_b]])


def test_signing_is_deterministic(bot):
    mask, _ = bot.receive(0)
    tx = _spending_transaction([(os.urandom(32), 0)])

    assert _sign_as_safe(bot, tx, [(mask, 0)]) == _sign_as_safe(bot, tx, [(mask, 0)])


def test_a_tampered_signature_is_refused(bot):
    mask, key = bot.receive(0)
    signed = decoding.decode_transaction_hex(
        _sign_as_safe(bot, _spending_transaction([(os.urandom(32), 0)]), [(mask, 0)])
    )
    signature = bytearray(signed.signatures[0][0])
    signature[40] ^= 0x01

    tampered = replace(signed, signatures=({0: bytes(signature)},))

    with pytest.raises(InvalidSignatureError, match="bad signature"):
        crypto.verify_transaction_signatures(tampered, [[key]])


def test_a_tampered_amount_is_refused(bot):
    mask, key = bot.receive(0)
    signed = decoding.decode_transaction_hex(
        _sign_as_safe(bot, _spending_transaction([(os.urandom(32), 0)]), [(mask, 0)])
    )

    richer = replace(signed, outputs=(replace(signed.outputs[0], amount=Decimal("125")),))

    with pytest.raises(InvalidSignatureError, match="bad signature"):
        crypto.verify_transaction_signatures(richer, [[key]])


def test_a_signature_by_another_spend_key_is_refused(bot):
    mask, key = bot.receive(0)
    thief = Bot()
    thief.view_private = bot.view_private  # even knowing the view key is not enough
    tx = _spending_transaction([(os.urandom(32), 0)])

    forged = decoding.decode_transaction_hex(_sign_as_safe(thief, tx, [(mask, 0)]))

    with pytest.raises(InvalidSignatureError):
        crypto.verify_transaction_signatures(forged, [[key]])


def test_missing_or_unknown_signatures_are_refused(bot):
    mask, key = bot.receive(0)
    tx = _spending_transaction([(os.urandom(32), 0)])
    signed = decoding.decode_transaction_hex(_sign_as_safe(bot, tx, [(mask, 0)]))

    with pytest.raises(InvalidSignatureError, match="signature maps"):
        crypto.verify_transaction_signatures(tx, [[key]])
    with pytest.raises(InvalidSignatureError, match="unknown key"):
        crypto.verify_transaction_signatures(
            replace(signed, signatures=({1: signed.signatures[0][0]},)), [[key]]
        )
    with pytest.raises(InvalidSignatureError, match="required signatures"):
        crypto.verify_transaction_signatures(signed, [[key, key]])


def test_views_must_match_the_inputs_one_to_one(bot):
    tx = _spending_transaction([(os.urandom(32), 0), (os.urandom(32), 1)])

    with pytest.raises(InvalidKeyError, match="2 inputs"):
        crypto.sign_transaction(tx.encode().hex(), ["00" * 32], bot.spend_seed.hex())
