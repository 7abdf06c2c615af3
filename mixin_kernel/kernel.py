"""Kernel transaction version 5: the bytes the Mixin kernel hashes, signs and stores.

The layout follows MixinNetwork/mixin common/encoding.go and common/decoding.go: every
count and length is a big-endian uint16 (at most 0xFFFF), amounts are big-endian
magnitudes of amount x 10^8 prefixed by their byte length, optional parts are announced by
the magic 77 77 or the null 00 00, and the extra is prefixed by a uint32. Decoding re-encodes
and compares, as the kernel does, so a transaction has exactly one valid encoding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

import blake3

from mixin_kernel.errors import InvalidAmountError, MalformedEncodingError

TX_VERSION = 0x05
MAGIC = b"\x77\x77"
NULL = b"\x00\x00"

OUTPUT_TYPE_SCRIPT = 0x00
OUTPUT_TYPE_WITHDRAWAL_SUBMIT = 0xA1

AMOUNT_PRECISION = 8
EXTRA_SIZE_GENERAL_LIMIT = 256
EXTRA_SIZE_STORAGE_CAPACITY = 4 * 1024 * 1024
SLICE_COUNT_LIMIT = 256
REFERENCES_COUNT_LIMIT = 16
INPUT_INDEX_LIMIT = 1024
MAXIMUM_ENCODING_INT = 0xFFFF
# Decimal digits of the largest amount whose byte length fits the kernel's 16-bit size.
_AMOUNT_DIGITS_LIMIT = 157_000

AGGREGATED_SIGNATURE_PREFIX = 0xFF01
AGGREGATED_SIGNATURE_SPARSE_MASK = 0x01
AGGREGATED_SIGNATURE_ORDINARY_MASK = 0x00

HASH_SIZE = 32
KEY_SIZE = 32
SIGNATURE_SIZE = 64
ZERO_KEY = bytes(KEY_SIZE)


def threshold_script(threshold: int) -> bytes:
    """The only script the kernel accepts: "at least `threshold` of the keys signed"."""
    if not 0 <= threshold <= 0x40:
        raise ValueError(f"script threshold must be within 0..64, got {threshold}")
    return bytes([0xFF, 0xFE, threshold])


def asset_hash(asset_id: str) -> bytes:
    """The kernel's asset id: SHA3-256 of the asset UUID string (the kernel calls it Sha256Hash)."""
    return hashlib.sha3_256(asset_id.encode()).digest()


def amount_to_integer(amount: Decimal) -> int:
    """Amount x 10^8 as the kernel stores it; refuses negatives and more than 8 places."""
    if not isinstance(amount, Decimal):
        raise InvalidAmountError(f"amount must be a Decimal, got {type(amount).__name__}")
    if not amount.is_finite():
        raise InvalidAmountError(f"amount {amount} is not a finite number")
    # Exact integer arithmetic on the digits: Decimal arithmetic would round to the context.
    negative, digits, exponent = amount.as_tuple()
    shift = int(exponent) + AMOUNT_PRECISION
    if len(digits) + shift > _AMOUNT_DIGITS_LIMIT:
        raise InvalidAmountError(f"amount {amount} is too large")
    coefficient = int("".join(map(str, digits)))
    if shift >= 0:
        units = coefficient * 10**shift
    else:
        units, remainder = divmod(coefficient, 10**-shift)
        if remainder:
            raise InvalidAmountError(
                f"amount {amount} has more than {AMOUNT_PRECISION} decimal places"
            )
    if negative and units:
        raise InvalidAmountError(f"amount {amount} is negative")
    return units


def amount_from_integer(units: int) -> Decimal:
    """The Decimal of a kernel integer, always with 8 places ("0.12345678", "1.00000000")."""
    # Built from text so that no decimal context can round a large amount.
    return Decimal(f"{units}E-{AMOUNT_PRECISION}")


def amount_text(amount: Decimal) -> str:
    """The kernel's text form of an amount: fixed point with exactly 8 places."""
    return f"{amount_from_integer(amount_to_integer(amount)):f}"


def _check_size(name: str, value: bytes, size: int) -> None:
    if not isinstance(value, bytes) or len(value) != size:
        raise ValueError(f"{name} must be {size} bytes")


@dataclass(frozen=True)
class DepositData:
    chain: bytes
    asset_key: str
    transaction: str
    index: int
    amount: Decimal


@dataclass(frozen=True)
class MintData:
    group: str
    batch: int
    amount: Decimal


@dataclass(frozen=True)
class Input:
    """A reference to an unspent output: the hash of its transaction and its output index."""

    hash: bytes
    index: int
    genesis: bytes = b""
    deposit: DepositData | None = None
    mint: MintData | None = None

    def __post_init__(self) -> None:
        _check_size("input hash", self.hash, HASH_SIZE)
        if not 0 <= self.index <= INPUT_INDEX_LIMIT:
            raise ValueError(f"input index must be within 0..{INPUT_INDEX_LIMIT}")


@dataclass(frozen=True)
class WithdrawalData:
    address: str
    tag: str = ""


@dataclass(frozen=True)
class Output:
    type: int
    amount: Decimal
    keys: tuple[bytes, ...] = ()
    mask: bytes = ZERO_KEY
    script: bytes = b""
    withdrawal: WithdrawalData | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.type <= 0xFF:
            raise ValueError(f"output type must be one byte, got {self.type}")
        amount_to_integer(self.amount)
        for key in self.keys:
            _check_size("output key", key, KEY_SIZE)
        _check_size("output mask", self.mask, KEY_SIZE)


@dataclass(frozen=True)
class AggregatedSignature:
    signers: tuple[int, ...]
    signature: bytes


@dataclass(frozen=True)
class Transaction:
    """A version 5 kernel transaction. `signatures[i]` maps key index -> signature for input i."""

    asset: bytes
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    references: tuple[bytes, ...] = ()
    extra: bytes = b""
    signatures: tuple[dict[int, bytes], ...] = ()
    aggregated_signature: AggregatedSignature | None = None
    version: int = field(default=TX_VERSION)

    def __post_init__(self) -> None:
        if self.version != TX_VERSION:
            raise ValueError(f"only transaction version {TX_VERSION} is supported")
        _check_size("asset", self.asset, HASH_SIZE)
        for reference in self.references:
            _check_size("reference", reference, HASH_SIZE)
        if len(self.extra) > EXTRA_SIZE_STORAGE_CAPACITY:
            raise ValueError(f"extra of {len(self.extra)} bytes exceeds the kernel's capacity")

    def unsigned(self) -> Transaction:
        return replace(self, signatures=(), aggregated_signature=None)

    def encode(self) -> bytes:
        return encode_transaction(self)

    @property
    def hash(self) -> str:
        return transaction_hash(self)


def transaction_hash(tx: Transaction) -> str:
    """Hex BLAKE3 of the unsigned encoding: the id of the transaction and the signed message."""
    return transaction_hash_bytes(tx).hex()


def transaction_hash_bytes(tx: Transaction) -> bytes:
    return blake3.blake3(encode_transaction(tx.unsigned())).digest()


class _Writer:
    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def bytes(self) -> bytes:
        return b"".join(self._parts)

    def write(self, data: bytes) -> None:
        self._parts.append(data)

    def uint16(self, value: int) -> None:
        if not 0 <= value <= MAXIMUM_ENCODING_INT:
            raise ValueError(f"{value} does not fit the kernel's 16-bit integers")
        self._parts.append(value.to_bytes(2, "big"))

    def uint32(self, value: int) -> None:
        self._parts.append(value.to_bytes(4, "big"))

    def uint64(self, value: int) -> None:
        self._parts.append(value.to_bytes(8, "big"))

    def sized(self, data: bytes) -> None:
        self.uint16(len(data))
        self._parts.append(data)

    def integer(self, amount: Decimal) -> None:
        units = amount_to_integer(amount)
        self.sized(units.to_bytes((units.bit_length() + 7) // 8, "big"))


def encode_transaction(tx: Transaction) -> bytes:
    if len(tx.inputs) > SLICE_COUNT_LIMIT or len(tx.outputs) > SLICE_COUNT_LIMIT:
        raise ValueError(f"a transaction holds at most {SLICE_COUNT_LIMIT} inputs and outputs")
    w = _Writer()
    w.write(MAGIC)
    w.write(bytes([0x00, tx.version]))
    w.write(tx.asset)

    w.uint16(len(tx.inputs))
    for tx_input in tx.inputs:
        _encode_input(w, tx_input)

    w.uint16(len(tx.outputs))
    for output in tx.outputs:
        _encode_output(w, output)

    w.uint16(len(tx.references))
    for reference in tx.references:
        w.write(reference)

    w.uint32(len(tx.extra))
    w.write(tx.extra)

    if tx.aggregated_signature is not None:
        _encode_aggregated_signature(w, tx.aggregated_signature)
    else:
        if len(tx.signatures) >= MAXIMUM_ENCODING_INT:
            raise ValueError("too many signature maps")
        w.uint16(len(tx.signatures))
        for signature_map in tx.signatures:
            _encode_signature_map(w, signature_map)
    return w.bytes()


def _encode_input(w: _Writer, tx_input: Input) -> None:
    w.write(tx_input.hash)
    w.uint16(tx_input.index)
    w.sized(tx_input.genesis)
    if (deposit := tx_input.deposit) is None:
        w.write(NULL)
    else:
        w.write(MAGIC)
        w.write(deposit.chain)
        w.sized(deposit.asset_key.encode())
        w.sized(deposit.transaction.encode())
        w.uint64(deposit.index)
        w.integer(deposit.amount)
    if (mint := tx_input.mint) is None:
        w.write(NULL)
    else:
        w.write(MAGIC)
        w.sized(mint.group.encode())
        w.uint64(mint.batch)
        w.integer(mint.amount)


def _encode_output(w: _Writer, output: Output) -> None:
    w.write(bytes([0x00, output.type]))
    w.integer(output.amount)
    w.uint16(len(output.keys))
    for key in output.keys:
        w.write(key)
    w.write(output.mask)
    w.sized(output.script)
    if (withdrawal := output.withdrawal) is None:
        w.write(NULL)
    else:
        w.write(MAGIC)
        w.sized(withdrawal.address.encode())
        w.sized(withdrawal.tag.encode())


def _encode_signature_map(w: _Writer, signature_map: Mapping[int, bytes]) -> None:
    w.uint16(len(signature_map))
    for key_index in sorted(signature_map):
        signature = signature_map[key_index]
        _check_size("signature", signature, SIGNATURE_SIZE)
        w.uint16(key_index)
        w.write(signature)


def validate_aggregated_signers(signers: Iterable[int]) -> None:
    previous = -1
    for signer in signers:
        if signer <= previous or signer > MAXIMUM_ENCODING_INT:
            raise MalformedEncodingError(f"invalid aggregated signer order {signer} <= {previous}")
        previous = signer


def _encode_aggregated_signature(w: _Writer, aggregated: AggregatedSignature) -> None:
    _check_size("aggregated signature", aggregated.signature, SIGNATURE_SIZE)
    w.uint16(MAXIMUM_ENCODING_INT)
    w.uint16(AGGREGATED_SIGNATURE_PREFIX)
    w.write(aggregated.signature)
    signers = aggregated.signers
    if not signers:
        w.write(bytes([AGGREGATED_SIGNATURE_ORDINARY_MASK]))
        w.uint16(0)
        return
    validate_aggregated_signers(signers)
    highest = signers[-1]
    # The kernel lists signers one by one when a bit mask would be more than twice as long.
    if highest // 8 + 1 > len(signers) * 2:
        w.write(bytes([AGGREGATED_SIGNATURE_SPARSE_MASK]))
        w.uint16(len(signers))
        for signer in signers:
            w.uint16(signer)
        return
    masks = bytearray(highest // 8 + 1)
    for signer in signers:
        masks[signer // 8] ^= 1 << (signer % 8)
    w.write(bytes([AGGREGATED_SIGNATURE_ORDINARY_MASK]))
    w.sized(bytes(masks))
