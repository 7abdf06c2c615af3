"""MIX addresses encode and decode exactly as bot-api-go-client and the mixin_bot gem do."""

import pytest

from mixin_kernel import crypto
from mixin_kernel.errors import ChecksumMismatchError, MalformedEncodingError
from mixin_kernel.invoice import (
    MixAddress,
    decode_kernel_address,
    decode_mix_address,
    encode_kernel_address,
)
from tests.wallet import mixin_vectors as vectors

SEVEN = (
    "67a87828-18f5-46a1-b6cc-c72a97a77c43",
    "c94ac88f-4671-3976-b60a-09064f1811e8",
    "c6d0c728-2624-429b-8e0d-d9d19b6592fa",
    "67a87828-18f5-46a1-b6cc-c72a97a77c43",
    "c94ac88f-4671-3976-b60a-09064f1811e8",
    "c6d0c728-2624-429b-8e0d-d9d19b6592fa",
    "67a87828-18f5-46a1-b6cc-c72a97a77c43",
)


@pytest.mark.parametrize(
    ("members", "threshold", "expected"),
    [
        (SEVEN[:1], 1, vectors.MIX_SINGLE_UUID),
        (SEVEN, 4, vectors.MIX_SEVEN_UUIDS),
        ((vectors.XIN_SINGLE,), 1, vectors.MIX_XIN_SINGLE),
        (vectors.XIN_THREE, 2, vectors.MIX_XIN_TWO_OF_THREE),
        ((vectors.XIN_IDENTITY_SPEND,), 64, vectors.MIX_XIN_THRESHOLD_64),
        ((vectors.XIN_STORAGE,), 64, vectors.MIX_STORAGE_RECIPIENT),
    ],
    ids=["one uuid", "seven uuids", "one xin", "two of three xin", "xin 64", "storage"],
)
def test_encoding_matches_the_sdk_vectors(members, threshold, expected):
    assert MixAddress(members=members, threshold=threshold).encode() == expected


def test_decoding_keeps_member_order_and_offers_the_sorted_view():
    address = decode_mix_address(vectors.MIX_SEVEN_UUIDS)

    assert address.members == SEVEN
    assert address.sorted_members == tuple(sorted(SEVEN))
    assert address.threshold == 4
    assert address.has_uuid_members


def test_decoding_kernel_member_addresses():
    address = decode_mix_address(vectors.MIX_XIN_TWO_OF_THREE)

    assert address.members == vectors.XIN_THREE
    assert address.threshold == 2
    assert not address.has_uuid_members
    assert decode_mix_address(vectors.MIX_XIN_THRESHOLD_64).threshold == 64


def test_kernel_address_round_trip_of_real_keys():
    spend, view = (
        crypto.public_key(crypto.scalar_from_uniform_bytes(bytes([i]) * 64)) for i in (7, 9)
    )

    text = encode_kernel_address(spend, view)

    assert text.startswith("XIN")
    assert decode_kernel_address(text) == crypto.MemberKeys(view_public=view, spend_public=spend)


def test_a_changed_character_fails_the_checksum():
    broken = vectors.MIX_SINGLE_UUID[:-1] + ("a" if vectors.MIX_SINGLE_UUID[-1] != "a" else "b")

    with pytest.raises(ChecksumMismatchError):
        decode_mix_address(broken)


@pytest.mark.parametrize(
    "text",
    ["XIN3QEeg1WkLrjvjxyMQf6Xc8dxs81tpPc", "MIX0OIl", "MIX3QEeg1"],
    ids=["wrong prefix", "not base58", "too short"],
)
def test_malformed_addresses_are_refused(text):
    with pytest.raises(MalformedEncodingError):
        decode_mix_address(text)


@pytest.mark.parametrize(
    ("members", "threshold"),
    [
        ((), 1),
        (SEVEN[:2], 3),
        (SEVEN[:1], 0),
        (("67A87828-18F5-46A1-B6CC-C72A97A77C43",), 1),
        ((SEVEN[0], vectors.XIN_SINGLE), 1),
    ],
    ids=["no members", "threshold above members", "zero threshold", "uppercase", "mixed"],
)
def test_invalid_member_sets_are_refused(members, threshold):
    with pytest.raises(MalformedEncodingError):
        MixAddress(members=members, threshold=threshold)
