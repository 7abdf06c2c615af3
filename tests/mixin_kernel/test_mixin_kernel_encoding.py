"""Kernel transaction v5 encoding matches the kernel's own vectors, byte for byte."""

import hashlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixin_kernel import crypto, decoding, kernel
from mixin_kernel.errors import InvalidAmountError, MalformedEncodingError
from tests.wallet import mixin_vectors as vectors

XIN = "c94ac88f-4671-3976-b60a-09064f1811e8"


def test_asset_hash_is_sha3_of_the_asset_uuid_text():
    assert kernel.asset_hash(XIN).hex() == (
        "a99c2e0e2b1da4d648755ef19bd95139acbbe6564cfb06dec7cd34931ca72cdc"
    )
    assert kernel.asset_hash("43d61dcd-e413-450d-80b8-101d5e903357").hex() == (
        "8dd50817c082cdcdd6f167514928767a4b52426997bd6d4930eca101c5ff8a27"
    )
    assert kernel.asset_hash("c6d0c728-2624-429b-8e0d-d9d19b6592fa").hex() == (
        "fe6b7788944d328778f98e3e81588215b5a07de4f9a4a7de4db4535b404e65db"
    )


def test_withdrawal_vector_decodes_and_reencodes_identically():
    raw = bytes.fromhex(vectors.WITHDRAWAL_TX_RAW)

    tx = decoding.decode_transaction(raw)

    assert len(tx.inputs) == 7
    submit = tx.outputs[0]
    assert submit.type == kernel.OUTPUT_TYPE_WITHDRAWAL_SUBMIT
    assert submit.withdrawal == kernel.WithdrawalData(
        address="4KE9w4tneAtr2BWsmhwi6EbB1CbWqgyBBH2oCg9vwgn94nZZMcyiLvU4zYkbwp2wuNJYVQUkwyZFfN8Frb84QxUgpg1tenWLadx4UERX2pH",
        tag="",
    )
    assert submit.keys == () and submit.mask == kernel.ZERO_KEY and submit.script == b""
    assert submit.amount == Decimal("45000")
    assert tx.outputs[1].script == kernel.threshold_script(1)
    assert tx.signatures == ()
    assert tx.encode() == raw
    assert tx.unsigned().encode() == raw


def test_node_accept_vector_keeps_its_64_byte_extra():
    raw = bytes.fromhex(vectors.NODE_ACCEPT_TX_RAW)

    tx = decoding.decode_transaction(raw)

    assert tx.outputs[0].type == 0xA4
    assert tx.outputs[0].amount == Decimal("10000")
    assert tx.extra.hex() == (
        "cf0926f381bb17668ef4b4eab6243d4b437ae6d2372623b74f41a5597277495556515cbc346d8b"
        "639386c1e22239d032bb6f09f8b6f2ea5a3a19b41fe0bdd1de"
    )
    assert tx.encode() == raw


def _kernel_test_address(seed: bytes) -> tuple[bytes, bytes]:
    """NewAddressFromSeed of the kernel: (private spend, private view)."""
    first = hashlib.sha3_256(seed).digest()
    second = hashlib.sha3_256(first).digest()
    return crypto.scalar_from_uniform_bytes(seed), crypto.scalar_from_uniform_bytes(first + second)


def _references_test_accounts() -> list[tuple[bytes, bytes]]:
    accounts = []
    for i in range(16):
        seed = bytearray(64)
        if i == 0:
            seed[-1] = 1
        else:
            seed[i] = i
        accounts.append(_kernel_test_address(bytes(seed)))
    return accounts


def test_payload_hash_follows_each_step_of_the_kernel_references_vector():
    asset = kernel.asset_hash(XIN)
    mask_private = crypto.scalar_from_uniform_bytes(bytes([1]) * 64)
    script = kernel.threshold_script(13)
    inputs = (kernel.Input(hash=bytes(32), index=0), kernel.Input(hash=bytes(32), index=1))
    plain = kernel.Output(
        type=kernel.OUTPUT_TYPE_SCRIPT,
        amount=Decimal(10000),
        script=script,
        mask=crypto.public_key(mask_private),
    )
    ghost = crypto.ghost_keys(
        mask_private=mask_private,
        members=[
            crypto.MemberKeys(view_public=crypto.public_key(v), spend_public=crypto.public_key(s))
            for s, v in _references_test_accounts()
        ],
        output_index=1,
    )
    to_sixteen = kernel.Output(
        type=kernel.OUTPUT_TYPE_SCRIPT,
        amount=Decimal(10000),
        script=script,
        mask=ghost.mask,
        keys=ghost.keys,
    )

    steps = [
        ((), ()),
        (inputs[:1], ()),
        (inputs, ()),
        (inputs, (plain,)),
        (inputs, (plain, to_sixteen)),
    ]
    hashes = [kernel.Transaction(asset=asset, inputs=i, outputs=o).hash for i, o in steps]

    assert hashes == [
        "814d45237cf84feb5be8cb60a3f985a019169a01a6d05924b74aa3493da02dd6",
        "826aedc5f8ba217c399bfc798f2d4b7a169b7c9714397b56e32e609b9f5e0a6d",
        "61f00c8f14383c0a174543f2ba775f10ca38c91cf9f6c0b28de9bb9579fc2c51",
        "4edf7bc13dc688d6ca45c9a6fe577a60e1f21e8474a324c06b7f94d8485681e7",
        "f6f8c5fd92dfd697efa4903d70038577391514fd6ad2dfc4984ca072540b5612",
    ]
    encoded = kernel.Transaction(asset=asset, inputs=inputs, outputs=(plain, to_sixteen)).encode()
    assert len(encoded) == 740
    assert encoded.hex() == vectors.REFERENCES_TX_PAYLOAD


def test_references_are_counted_and_hashed():
    tx = decoding.decode_transaction(bytes.fromhex(vectors.REFERENCES_TX_PAYLOAD))
    referenced = kernel.Transaction(
        asset=tx.asset, inputs=tx.inputs, outputs=tx.outputs, references=(tx.inputs[0].hash,)
    )

    encoded = referenced.encode()

    assert len(encoded) == 772
    assert decoding.decode_transaction(encoded).references == (bytes(32),)
    assert referenced.hash != tx.hash


@pytest.mark.parametrize(("signers", "expected_hex", "size"), vectors.AGGREGATED_SIGNATURES)
def test_aggregated_signature_block_matches_the_kernel(signers, expected_hex, size):
    base = decoding.decode_transaction(bytes.fromhex(vectors.NODE_ACCEPT_TX_RAW))
    tx = kernel.Transaction(
        asset=base.asset,
        inputs=base.inputs,
        outputs=base.outputs,
        extra=base.extra,
        aggregated_signature=kernel.AggregatedSignature(signers=signers, signature=bytes(64)),
    )

    encoded = tx.encode()
    unsigned = base.encode()[:-2]  # drop the empty signature-map count

    assert encoded[len(unsigned) :].hex() == expected_hex
    assert len(encoded) - len(unsigned) == size
    assert decoding.decode_transaction(encoded).aggregated_signature.signers == signers
    assert tx.hash == base.hash


def test_signature_maps_are_written_in_key_order():
    base = decoding.decode_transaction(bytes.fromhex(vectors.NODE_ACCEPT_TX_RAW))
    signed = kernel.Transaction(
        asset=base.asset,
        inputs=base.inputs,
        outputs=base.outputs,
        extra=base.extra,
        signatures=({2: b"\x02" * 64, 0: b"\x00" * 64},),
    )

    encoded = signed.encode()

    tail = encoded[len(base.encode()) - 2 :]
    assert tail == bytes.fromhex("000100020000") + b"\x00" * 64 + b"\x00\x02" + b"\x02" * 64
    assert decoding.decode_transaction(encoded).signatures == ({0: b"\x00" * 64, 2: b"\x02" * 64},)
    assert signed.hash == base.hash


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw + b"\x00", "unexpected bytes"),
        (lambda raw: raw[:-3], "data short"),
        (lambda raw: b"\x77\x77\x00\x04" + raw[4:], "not a version 5"),
        (lambda raw: raw[:-2] + b"\x01\x01", "too many signature maps"),
    ],
    ids=["trailing byte", "truncated", "wrong version", "signature map count"],
)
def test_malformed_transactions_are_refused(mutate, message):
    raw = bytes.fromhex(vectors.NODE_ACCEPT_TX_RAW)

    with pytest.raises(MalformedEncodingError, match=message):
        decoding.decode_transaction(mutate(raw))


def test_an_amount_with_a_leading_zero_byte_is_not_canonical():
    raw = bytes.fromhex(vectors.NODE_ACCEPT_TX_RAW)
    amount_at = raw.index(bytes.fromhex("0005e8d4a51000"))
    padded = raw[:amount_at] + bytes.fromhex("000600e8d4a51000") + raw[amount_at + 7 :]

    with pytest.raises(MalformedEncodingError, match="non-canonical"):
        decoding.decode_transaction(padded)


def test_a_repeated_signature_index_is_refused():
    base = decoding.decode_transaction(bytes.fromhex(vectors.NODE_ACCEPT_TX_RAW)).encode()
    entry = b"\x00\x00" + b"\x01" * 64
    raw = base[:-2] + b"\x00\x01" + b"\x00\x02" + entry + entry

    with pytest.raises(MalformedEncodingError, match="repeats a key index"):
        decoding.decode_transaction(raw)


@pytest.mark.parametrize("amount", [Decimal("0.000000001"), Decimal("-1"), Decimal("NaN")])
def test_amounts_beyond_eight_places_or_negative_are_refused(amount):
    with pytest.raises(InvalidAmountError):
        kernel.Output(type=kernel.OUTPUT_TYPE_SCRIPT, amount=amount)


def test_amount_text_always_has_eight_places():
    assert kernel.amount_text(Decimal("1")) == "1.00000000"
    assert kernel.amount_text(Decimal("0.1234")) == "0.12340000"
    assert kernel.amount_from_integer(0) == Decimal(0)
    assert f"{kernel.amount_from_integer(12345678901234567890123456789):f}" == (
        "123456789012345678901.23456789"
    )


keys = st.binary(min_size=32, max_size=32)
amounts = st.integers(min_value=0, max_value=2**128).map(kernel.amount_from_integer)
outputs = st.builds(
    kernel.Output,
    type=st.sampled_from([kernel.OUTPUT_TYPE_SCRIPT, kernel.OUTPUT_TYPE_WITHDRAWAL_SUBMIT]),
    amount=amounts,
    keys=st.lists(keys, max_size=3).map(tuple),
    mask=keys,
    script=st.sampled_from([b"", kernel.threshold_script(1), kernel.threshold_script(2)]),
    withdrawal=st.none()
    | st.builds(kernel.WithdrawalData, address=st.text(max_size=60), tag=st.text(max_size=10)),
)
transactions = st.builds(
    kernel.Transaction,
    asset=keys,
    inputs=st.lists(
        st.builds(kernel.Input, hash=keys, index=st.integers(0, kernel.INPUT_INDEX_LIMIT)),
        max_size=4,
    ).map(tuple),
    outputs=st.lists(outputs, max_size=4).map(tuple),
    references=st.lists(keys, max_size=2).map(tuple),
    extra=st.binary(max_size=300),
    signatures=st.lists(
        st.dictionaries(st.integers(0, 5), st.binary(min_size=64, max_size=64), max_size=3),
        max_size=3,
    ).map(tuple),
)


@given(transactions)
def test_any_transaction_survives_an_encode_decode_round_trip(tx):
    encoded = tx.encode()

    decoded = decoding.decode_transaction(encoded)

    assert decoded == tx
    assert decoded.hash == tx.hash
