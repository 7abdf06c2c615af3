"""Mixin's scalar Ed25519 keys, signatures and ghost keys match the kernel's vectors."""

import hashlib
import os

import blake3
import nacl.bindings
import pytest

from mixin_kernel import crypto
from mixin_kernel.errors import InvalidKeyError

SEED_1_TO_64 = bytes(range(1, 65))


def test_uniform_seed_gives_the_kernels_key():
    key = crypto.scalar_from_uniform_bytes(SEED_1_TO_64)

    assert key.hex() == "c91e0907d114fd83c1edc396490bb2dafa43c19815b0354e70dc80c317c3cb0a"
    assert crypto.public_key(key).hex() == (
        "36bb0e309e7e9a82f1527df2c6b0e48181589097fe90c1282c558207ea27ce66"
    )


def test_signatures_match_the_kernels_deterministic_vectors():
    key1 = crypto.scalar_from_uniform_bytes(SEED_1_TO_64)
    msg1 = blake3.blake3(SEED_1_TO_64[:32]).digest()
    msg2 = blake3.blake3(SEED_1_TO_64[32:]).digest()
    sig1 = crypto.sign(key1, msg1)
    key2 = crypto.scalar_from_uniform_bytes(sig1[:64])

    assert sig1.hex() == (
        "ca22e4ad608bad7638072e420ff5dd45eeb82c8e732e67580413066edf4cb8c0"
        "e2e6642f9e08b698a553a51e5719610b55d5afd1a9b9f3c69c6c60434dd55707"
    )
    assert crypto.sign(key1, msg2).hex() == (
        "ae7bde216edf1f6b00d1d87a584b8ec433913ee7028d075b3a11aec13aea86ed"
        "472bb45976100d9e679180d1a7afce352304347fefe6bd64b407097c6f887208"
    )
    assert crypto.sign(key2, msg1).hex() == (
        "56e783313e7969ad3feab28f3f55917c44e7a5712818f86c4f92ac86a848696c"
        "778c10c1940f13e8b42e562bb7b8f789a87ca3bca4269f6c7107fc6ddf0e650c"
    )
    assert crypto.sign(key2, msg2).hex() == (
        "7718b4dc9daeb8272132dbf7d52ca701d210a3bc044f0fc70494c035e6fd3df8"
        "0ede5427c7e19832be6fa87b7cf0c24e72af1911a254ce708489d1bcd324ee06"
    )


def test_verify_accepts_only_the_signed_message_and_key():
    key1 = crypto.scalar_from_uniform_bytes(SEED_1_TO_64)
    pub1 = crypto.public_key(key1)
    msg1 = blake3.blake3(SEED_1_TO_64[:32]).digest()
    msg2 = blake3.blake3(SEED_1_TO_64[32:]).digest()
    sig1 = crypto.sign(key1, msg1)
    pub2 = crypto.public_key(crypto.scalar_from_uniform_bytes(sig1))

    assert crypto.verify(pub1, msg1, sig1)
    assert not crypto.verify(pub1, msg2, sig1)
    assert not crypto.verify(pub2, msg1, sig1)
    assert not crypto.verify(pub1, msg1, sig1[:32] + bytes(32))
    assert not crypto.verify(pub1, msg1, sig1[:-1])


def test_signatures_verify_under_standard_ed25519_as_the_kernel_expects():
    for _ in range(20):
        key = crypto.scalar_from_uniform_bytes(os.urandom(64))
        message = os.urandom(32)
        signature = crypto.sign(key, message)

        opened = nacl.bindings.crypto_sign_open(signature + message, crypto.public_key(key))

        assert opened == message


def test_a_non_canonical_s_is_refused():
    key = crypto.scalar_from_uniform_bytes(SEED_1_TO_64)
    message = b"m" * 32
    signature = crypto.sign(key, message)
    s_plus_order = int.from_bytes(signature[32:], "little") + crypto.GROUP_ORDER

    malleated = signature[:32] + s_plus_order.to_bytes(32, "little")

    assert not crypto.verify(crypto.public_key(key), message, malleated)


def test_spend_seed_scalar_has_the_rfc8032_public_key_of_the_seed():
    for _ in range(10):
        seed = os.urandom(32)
        rfc_public, _ = nacl.bindings.crypto_sign_seed_keypair(seed)

        assert crypto.public_key(crypto.scalar_from_seed(seed)) == rfc_public


def test_scalar_add_is_addition_of_public_keys():
    a = crypto.scalar_from_uniform_bytes(os.urandom(64))
    b = crypto.scalar_from_uniform_bytes(os.urandom(64))

    summed = crypto.public_key(crypto.scalar_add(a, b))

    assert summed == nacl.bindings.crypto_core_ed25519_add(
        crypto.public_key(a), crypto.public_key(b)
    )


def test_ghost_keys_can_be_spent_and_viewed_only_with_the_right_keys():
    """The relations of the kernel's TestGhostKey."""
    a, b, r = (crypto.scalar_from_uniform_bytes(os.urandom(64)) for _ in range(3))
    view_public, spend_public, mask = (crypto.public_key(k) for k in (a, b, r))

    ghost = crypto.derive_ghost_public_key(r, view_public, spend_public, 0)

    assert crypto.public_key(crypto.derive_ghost_private_key(mask, a, b, 0)) == ghost
    assert crypto.public_key(crypto.derive_ghost_private_key(view_public, r, b, 0)) == ghost
    assert crypto.public_key(crypto.derive_ghost_private_key(mask, b, a, 0)) != ghost
    assert crypto.public_key(crypto.derive_ghost_private_key(mask, a, b, 1)) != ghost
    assert crypto.derive_ghost_public_key(r, view_public, spend_public, 1) != ghost
    view = crypto.ghost_view_key(mask, a, 0)
    assert nacl.bindings.crypto_core_ed25519_sub(ghost, crypto.public_key(view)) == spend_public
    message = hashlib.sha256(b"spend").digest()
    spend_key = crypto.scalar_add(view, b)
    assert crypto.verify(ghost, message, crypto.sign(spend_key, message))


def test_output_index_is_encoded_as_a_go_uvarint():
    point = crypto.public_key(crypto.scalar_from_uniform_bytes(SEED_1_TO_64))

    assert crypto.hash_scalar(point, 300) != crypto.hash_scalar(point, 44)
    assert crypto._uvarint(0) == b"\x00"
    assert crypto._uvarint(127) == b"\x7f"
    assert crypto._uvarint(300) == b"\xac\x02"


def test_ghost_keys_json_round_trip():
    r = crypto.scalar_from_uniform_bytes(SEED_1_TO_64)
    member = crypto.MemberKeys(view_public=crypto.public_key(r), spend_public=crypto.public_key(r))
    keys = crypto.ghost_keys(mask_private=r, members=[member, member], output_index=3)

    assert crypto.GhostKeys.from_json(keys.as_json()) == keys
    assert keys.mask == crypto.public_key(r)
    assert len(keys.keys) == 2


@pytest.mark.parametrize(
    "bad",
    [bytes(31), (crypto.GROUP_ORDER).to_bytes(32, "little")],
    ids=["short", "not reduced"],
)
def test_non_canonical_scalars_are_refused(bad):
    with pytest.raises(InvalidKeyError):
        crypto.public_key(bad)


def test_points_outside_the_prime_order_group_are_refused():
    small_order = bytes(32)  # (0, 0) does not decode; the identity and torsion points fail too
    identity = (1).to_bytes(32, "little")
    scalar = crypto.scalar_from_uniform_bytes(SEED_1_TO_64)

    for bad in (small_order, identity):
        with pytest.raises(InvalidKeyError):
            crypto.derive_ghost_public_key(scalar, bad, crypto.public_key(scalar), 0)


def test_unique_object_id_matches_the_sdks():
    # mixin_bot's generate_unique_uuid(a, b) is UniqueObjectId(min(a, b), max(a, b)).
    assert (
        crypto.unique_object_id(
            "073153fb-a5a3-4724-8658-fc9073e5510c", "67d46d1b-0a46-4821-bb05-71efb9f90335"
        )
        == "42a76a3b-775f-3ee6-baeb-3f76224f8deb"
    )


def test_hash_members_matches_the_golden_fixture():
    members = [
        "834c17e1-1427-434a-a280-1b3cfee05111",
        "0355e4c0-ba3a-4ba6-82c0-6311e332f57a",
        "506694b3-0c16-4bd2-8ea0-ba3de6840a5a",
    ]

    assert crypto.hash_members(members) == (
        "36972be0d8ef46deb3974334aa2242bfcdab044cbb99864ecc7f6ddbb9ee8ed9"
    )


def test_ghost_key_hint_is_deterministic_per_request_and_output():
    request_id = "b3c6f2f6-54f4-4ad5-a2e5-6a2b8f7a0e11"

    hints = [crypto.ghost_key_hint(request_id, i) for i in range(3)]

    assert hints == [crypto.ghost_key_hint(request_id, i) for i in range(3)]
    assert len(set(hints)) == 3
    trace_hash = blake3.blake3(request_id.encode()).digest()
    index_zero_seed = blake3.blake3(trace_hash).digest()  # big.Int(0).Bytes() is empty
    assert hints[0] == crypto.unique_object_id(trace_hash.hex(), index_zero_seed.hex())
    assert crypto.ghost_key_hint("another", 0) != hints[0]


def test_mask_key_for_kernel_address_receivers_depends_on_request_output_and_spend_key():
    spend_seed = bytes(range(32))

    r = crypto.ghost_mask_private_key("request", 1, spend_seed)

    assert r == crypto.ghost_mask_private_key("request", 1, spend_seed)
    assert r != crypto.ghost_mask_private_key("request", 2, spend_seed)
    assert r != crypto.ghost_mask_private_key("request", 1, bytes(32))
