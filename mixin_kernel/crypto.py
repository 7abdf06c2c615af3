"""Mixin's Ed25519 as the kernel uses it (MixinNetwork/mixin crypto/, bot-api-go-client).

Keys are raw 32-byte values: a *scalar* (private key, little-endian, reduced mod L) or a
*point* (public key, compressed Edwards y). Unlike RFC 8032 signing, which starts from a
seed, the kernel signs with a bare scalar, because spending a ghost output needs the sum
of two scalars (view part + spend part) that no seed produces. libsodium's low-level
group operations (PyNaCl) do the curve arithmetic.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import blake3
from nacl import bindings
from nacl.exceptions import RuntimeError as NaclRuntimeError

from mixin_kernel.decoding import decode_transaction_hex
from mixin_kernel.errors import InvalidKeyError, InvalidSignatureError
from mixin_kernel.kernel import (
    KEY_SIZE,
    SIGNATURE_SIZE,
    Transaction,
    encode_transaction,
    transaction_hash_bytes,
)

GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493


def _blake3(data: bytes) -> bytes:
    return blake3.blake3(data).digest()


def _require_scalar(name: str, scalar: bytes) -> bytes:
    if len(scalar) != KEY_SIZE or int.from_bytes(scalar, "little") >= GROUP_ORDER:
        raise InvalidKeyError(f"{name} is not a canonical scalar")
    return scalar


def is_public_key(point: bytes) -> bool:
    """libsodium's check matches the kernel's decodePoint: a canonical encoding of a point
    on the curve, in the prime-order subgroup (and not the identity)."""
    return len(point) == KEY_SIZE and bindings.crypto_core_ed25519_is_valid_point(point)


def _require_point(name: str, point: bytes) -> bytes:
    if not is_public_key(point):
        raise InvalidKeyError(f"{name} is not a valid public key")
    return point


def _scalar_mult(scalar: bytes, point: bytes) -> bytes:
    try:
        return bindings.crypto_scalarmult_ed25519_noclamp(scalar, point)
    except NaclRuntimeError as exc:
        raise InvalidKeyError("scalar multiplication gave the identity") from exc


def scalar_from_uniform_bytes(seed: bytes) -> bytes:
    """The kernel's NewKeyFromSeed: 64 uniform bytes reduced mod L."""
    if len(seed) != 64:
        raise InvalidKeyError(f"a uniform seed is 64 bytes, got {len(seed)}")
    return bindings.crypto_core_ed25519_scalar_reduce(seed)


def scalar_from_seed(seed: bytes) -> bytes:
    """The scalar of a 32-byte Ed25519 seed: clamped first half of SHA-512, reduced mod L.

    This is how a Safe spend key (the hex `spend_private_key` of the keystore) becomes the
    `y` added to each view key; its public key equals the RFC 8032 public key of the seed.
    """
    if len(seed) != 32:
        raise InvalidKeyError(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
    clamped = bytearray(hashlib.sha512(seed).digest()[:32])
    clamped[0] &= 248
    clamped[31] &= 63
    clamped[31] |= 64
    return bindings.crypto_core_ed25519_scalar_reduce(bytes(clamped) + bytes(32))


def public_key(scalar: bytes) -> bytes:
    """scalar x G."""
    _require_scalar("private key", scalar)
    try:
        return bindings.crypto_scalarmult_ed25519_base_noclamp(scalar)
    except NaclRuntimeError as exc:
        raise InvalidKeyError("the zero scalar has no public key") from exc


def scalar_add(a: bytes, b: bytes) -> bytes:
    return bindings.crypto_core_ed25519_scalar_add(
        _require_scalar("scalar", a), _require_scalar("scalar", b)
    )


def sign(private_key: bytes, message: bytes) -> bytes:
    """The kernel's Key.Sign: Ed25519 over `message` with a bare scalar.

    The nonce is SHA-512 of the second half of SHA-512(scalar) and the message, so the
    signature is deterministic; the kernel signs a transaction's 32-byte hash.
    """
    _require_scalar("private key", private_key)
    nonce_prefix = hashlib.sha512(private_key).digest()[32:]
    nonce = bindings.crypto_core_ed25519_scalar_reduce(
        hashlib.sha512(nonce_prefix + message).digest()
    )
    commitment = bindings.crypto_scalarmult_ed25519_base_noclamp(nonce)
    challenge = bindings.crypto_core_ed25519_scalar_reduce(
        hashlib.sha512(commitment + public_key(private_key) + message).digest()
    )
    response = bindings.crypto_core_ed25519_scalar_add(
        bindings.crypto_core_ed25519_scalar_mul(challenge, private_key), nonce
    )
    return commitment + response


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """The kernel's Key.Verify: R == s x G - H(R, A, M) x A, with a canonical s."""
    if len(signature) != SIGNATURE_SIZE:
        return False
    try:
        _require_point("public key", public)
        commitment, response = signature[:32], _require_scalar("s", signature[32:])
        challenge = bindings.crypto_core_ed25519_scalar_reduce(
            hashlib.sha512(commitment + public + message).digest()
        )
        expected = bindings.crypto_core_ed25519_sub(
            bindings.crypto_scalarmult_ed25519_base_noclamp(response),
            _scalar_mult(challenge, public),
        )
    except (InvalidKeyError, NaclRuntimeError):
        return False
    return expected == commitment


def _uvarint(value: int) -> bytes:
    encoded = bytearray()
    while value >= 0x80:
        encoded.append((value & 0x7F) | 0x80)
        value >>= 7
    encoded.append(value)
    return bytes(encoded)


def hash_scalar(point: bytes, output_index: int) -> bytes:
    """The kernel's HashScalar: the shared secret of a ghost key, bound to the output index."""
    digest = _blake3(point + _uvarint(output_index))
    first = scalar_from_uniform_bytes(digest + _blake3(digest))
    digest = _blake3(first)
    return scalar_from_uniform_bytes(digest + _blake3(digest))


def ghost_view_key(mask: bytes, view_private: bytes, output_index: int) -> bytes:
    """x = HashScalar(a x R, index): the per-output scalar the Safe API returns as `views`."""
    shared = _scalar_mult(_require_scalar("view key", view_private), _require_point("mask", mask))
    return hash_scalar(shared, output_index)


def derive_ghost_public_key(
    mask_private: bytes, view_public: bytes, spend_public: bytes, output_index: int
) -> bytes:
    """P = HashScalar(r x A, index) x G + B: the one-time key of a member in an output."""
    shared = _scalar_mult(
        _require_scalar("mask key", mask_private), _require_point("view key", view_public)
    )
    return bindings.crypto_core_ed25519_add(
        public_key(hash_scalar(shared, output_index)), _require_point("spend key", spend_public)
    )


def derive_ghost_private_key(
    mask: bytes, view_private: bytes, spend_private: bytes, output_index: int
) -> bytes:
    """t = HashScalar(a x R, index) + b, the private key of P above."""
    return scalar_add(ghost_view_key(mask, view_private, output_index), spend_private)


@dataclass(frozen=True)
class MemberKeys:
    """The public view and spend keys of one receiver of an output."""

    view_public: bytes
    spend_public: bytes


@dataclass(frozen=True)
class GhostKeys:
    """The mask R = r x G of an output and one ghost key per receiving member."""

    mask: bytes
    keys: tuple[bytes, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GhostKeys:
        """From a `/safe/keys` entry: {"mask": hex, "keys": [hex, ...]}."""
        return cls(
            mask=bytes.fromhex(data["mask"]), keys=tuple(bytes.fromhex(k) for k in data["keys"])
        )

    def as_json(self) -> dict[str, Any]:
        return {"type": "ghost_key", "mask": self.mask.hex(), "keys": [k.hex() for k in self.keys]}


def ghost_keys(
    *, mask_private: bytes, members: Sequence[MemberKeys], output_index: int
) -> GhostKeys:
    return GhostKeys(
        mask=public_key(mask_private),
        keys=tuple(
            derive_ghost_public_key(mask_private, m.view_public, m.spend_public, output_index)
            for m in members
        ),
    )


def unique_object_id(*parts: str) -> str:
    """Mixin's UniqueObjectId: MD5 of the concatenated parts shaped as a version 3 UUID."""
    digest = bytearray(hashlib.md5("".join(parts).encode(), usedforsecurity=False).digest())
    digest[6] = (digest[6] & 0x0F) | 0x30
    digest[8] = (digest[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(digest)))


def hash_members(member_ids: Sequence[str]) -> str:
    """The `members` filter of /safe/outputs: SHA3-256 of the sorted ids, concatenated."""
    return hashlib.sha3_256("".join(sorted(member_ids)).encode()).hexdigest()


def _ghost_seed_hashes(request_id: str, output_index: int) -> tuple[bytes, bytes]:
    trace_hash = _blake3(request_id.encode())
    # Go's big.Int.Bytes(): minimal big-endian, empty for zero.
    index_bytes = output_index.to_bytes((output_index.bit_length() + 7) // 8, "big")
    return trace_hash, _blake3(trace_hash + index_bytes)


def ghost_key_hint(request_id: str, output_index: int) -> str:
    """The `hint` of a /safe/keys request, derived from the request id as the Go SDK does,
    so that rebuilding the same request asks for (and gets) the same ghost keys."""
    trace_hash, seed_hash = _ghost_seed_hashes(request_id, output_index)
    return unique_object_id(trace_hash.hex(), seed_hash.hex())


def ghost_mask_private_key(request_id: str, output_index: int, spend_seed: bytes) -> bytes:
    """The mask scalar r the Go SDK derives itself for receivers given as kernel (XIN)
    addresses, whose ghost keys no server computes: deterministic per request and output."""
    trace_hash, seed_hash = _ghost_seed_hashes(request_id, output_index)
    return scalar_from_uniform_bytes(trace_hash + _blake3(seed_hash + spend_seed))


def sign_transaction(raw_hex: str, views: Sequence[str], spend_private_key_seed_hex: str) -> str:
    """Sign every input of an unsigned transaction as a 1/1 Safe output owner.

    `views` are the hex view scalars returned by POST /safe/transaction/requests, one per
    input; each input's key is t = view + y, with y the scalar of the spend seed.
    """
    tx = decode_transaction_hex(raw_hex)
    if len(views) != len(tx.inputs):
        raise InvalidKeyError(f"{len(views)} view keys for {len(tx.inputs)} inputs")
    try:
        spend_seed = bytes.fromhex(spend_private_key_seed_hex)
        view_scalars = [bytes.fromhex(view) for view in views]
    except ValueError as exc:
        raise InvalidKeyError("keys must be hex") from exc
    spend = scalar_from_seed(spend_seed)
    message = transaction_hash_bytes(tx)
    signatures = tuple(
        {0: sign(scalar_add(_require_scalar("view key", view), spend), message)}
        for view in view_scalars
    )
    return encode_transaction(replace(tx.unsigned(), signatures=signatures)).hex()


def verify_transaction_signatures(
    tx: Transaction,
    input_public_keys: Sequence[Sequence[bytes]],
    *,
    thresholds: Sequence[int] | None = None,
) -> None:
    """Raise InvalidSignatureError unless each input is signed by enough keys of its output.

    `input_public_keys[i]` are the ghost keys of the output spent by input i; its signature
    map indexes into them. The threshold of each input defaults to all of its keys.
    """
    if len(input_public_keys) != len(tx.inputs):
        raise InvalidSignatureError(
            f"{len(input_public_keys)} key lists for {len(tx.inputs)} inputs"
        )
    if tx.aggregated_signature is not None:
        raise InvalidSignatureError("aggregated signatures are not accepted here")
    if len(tx.signatures) != len(tx.inputs):
        raise InvalidSignatureError(
            f"{len(tx.signatures)} signature maps for {len(tx.inputs)} inputs"
        )
    message = transaction_hash_bytes(tx)
    for position, (keys, signature_map) in enumerate(
        zip(input_public_keys, tx.signatures, strict=True)
    ):
        threshold = len(keys) if thresholds is None else thresholds[position]
        if len(signature_map) < max(threshold, 1):
            raise InvalidSignatureError(
                f"input {position} has {len(signature_map)} of {threshold} required signatures"
            )
        for key_index, signature in signature_map.items():
            if key_index >= len(keys):
                raise InvalidSignatureError(f"input {position} signs with unknown key {key_index}")
            if not verify(keys[key_index], message, signature):
                raise InvalidSignatureError(f"input {position} has a bad signature")
