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
from typing import Any

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


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def remaining(self) -> int:
        return len(self._data) - self._offset

    def read(self, size: int) -> bytes:
        if self.remaining() < size:
            raise MalformedEncodingError(
                f"data short: wanted {size} bytes at offset {self._offset}, {self.remaining()} left"
            )
        chunk = self._data[self._offset : self._offset + size]
        self._offset += size
        return chunk

    def byte(self) -> int:
        return self.read(1)[0]

    def uint16(self) -> int:
        return int.from_bytes(self.read(2), "big")

    def uint32(self) -> int:
        return int.from_bytes(self.read(4), "big")

    def uint64(self) -> int:
        return int.from_bytes(self.read(8), "big")

    def sized(self) -> bytes:
        return self.read(self.uint16())

    def text(self) -> str:
        raw = self.sized()
        try:
            return raw.decode()
        except UnicodeDecodeError as exc:
            raise MalformedEncodingError(f"text field is not UTF-8: {raw!r}") from exc

    def integer(self) -> Decimal:
        return amount_from_integer(int.from_bytes(self.sized(), "big"))

    def has_magic(self) -> bool:
        marker = self.read(2)
        if marker == MAGIC:
            return True
        if marker == NULL:
            return False
        raise MalformedEncodingError(f"malformed optional marker {marker.hex()}")


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


def _validate_aggregated_signers(signers: Iterable[int]) -> None:
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
    _validate_aggregated_signers(signers)
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


def decode_transaction(data: bytes) -> Transaction:
    """Decode a version 5 transaction; anything but its one canonical encoding is refused."""
    r = _Reader(data)
    header = r.read(4)
    if header != MAGIC + bytes([0x00, TX_VERSION]):
        raise MalformedEncodingError(f"not a version {TX_VERSION} transaction: {header.hex()}")
    asset = r.read(HASH_SIZE)

    inputs = tuple(_decode_input(r) for _ in range(_read_count(r, "inputs")))
    outputs = tuple(_decode_output(r) for _ in range(_read_count(r, "outputs")))
    references = tuple(r.read(HASH_SIZE) for _ in range(_read_count(r, "references")))

    extra_size = r.uint32()
    if extra_size > EXTRA_SIZE_STORAGE_CAPACITY:
        raise MalformedEncodingError(f"invalid extra size {extra_size}")
    extra = r.read(extra_size)

    signatures: tuple[dict[int, bytes], ...] = ()
    aggregated = None
    map_count = r.uint16()
    if map_count == MAXIMUM_ENCODING_INT:
        prefix = r.uint16()
        if prefix != AGGREGATED_SIGNATURE_PREFIX:
            raise MalformedEncodingError(f"invalid signature prefix {prefix:#x}")
        aggregated = _decode_aggregated_signature(r)
    else:
        if map_count > SLICE_COUNT_LIMIT:
            raise MalformedEncodingError(f"too many signature maps {map_count}")
        signatures = tuple(_decode_signature_map(r) for _ in range(map_count))

    if r.remaining():
        raise MalformedEncodingError(f"{r.remaining()} unexpected bytes after the transaction")
    try:
        tx = Transaction(
            asset=asset,
            inputs=inputs,
            outputs=outputs,
            references=references,
            extra=extra,
            signatures=signatures,
            aggregated_signature=aggregated,
        )
    except ValueError as exc:
        raise MalformedEncodingError(str(exc)) from exc
    if encode_transaction(tx) != data:
        raise MalformedEncodingError("non-canonical transaction encoding")
    return tx


def decode_transaction_hex(raw: str) -> Transaction:
    try:
        data = bytes.fromhex(raw)
    except ValueError as exc:
        raise MalformedEncodingError("transaction is not hex") from exc
    return decode_transaction(data)


def _read_count(r: _Reader, what: str) -> int:
    count = r.uint16()
    if count > SLICE_COUNT_LIMIT:
        raise MalformedEncodingError(f"too many transaction {what} {count}")
    return count


def _decode_input(r: _Reader) -> Input:
    tx_hash = r.read(HASH_SIZE)
    index = r.uint16()
    if index > INPUT_INDEX_LIMIT:
        raise MalformedEncodingError(f"invalid input index {index}")
    genesis = r.sized()
    deposit = None
    if r.has_magic():
        deposit = DepositData(
            chain=r.read(HASH_SIZE),
            asset_key=r.text(),
            transaction=r.text(),
            index=r.uint64(),
            amount=r.integer(),
        )
    mint = None
    if r.has_magic():
        mint = MintData(group=r.text(), batch=r.uint64(), amount=r.integer())
    return Input(hash=tx_hash, index=index, genesis=genesis, deposit=deposit, mint=mint)


def _decode_output(r: _Reader) -> Output:
    output_type = r.read(2)
    if output_type[0] != 0:
        raise MalformedEncodingError(f"invalid output type {output_type.hex()}")
    amount = r.integer()
    key_count = r.uint16()
    if key_count > SLICE_COUNT_LIMIT:
        raise MalformedEncodingError(f"too many output keys {key_count}")
    keys = tuple(r.read(KEY_SIZE) for _ in range(key_count))
    mask = r.read(KEY_SIZE)
    script = r.sized()
    withdrawal = None
    if r.has_magic():
        withdrawal = WithdrawalData(address=r.text(), tag=r.text())
    return Output(
        type=output_type[1],
        amount=amount,
        keys=keys,
        mask=mask,
        script=script,
        withdrawal=withdrawal,
    )


def _decode_signature_map(r: _Reader) -> dict[int, bytes]:
    count = r.uint16()
    signature_map: dict[int, bytes] = {}
    for _ in range(count):
        key_index = r.uint16()
        signature_map[key_index] = r.read(SIGNATURE_SIZE)
    if len(signature_map) != count:
        raise MalformedEncodingError("signature map repeats a key index")
    return signature_map


def _decode_aggregated_signature(r: _Reader) -> AggregatedSignature:
    signature = r.read(SIGNATURE_SIZE)
    mask_type = r.byte()
    signers: list[int] = []
    if mask_type == AGGREGATED_SIGNATURE_SPARSE_MASK:
        signers = [r.uint16() for _ in range(r.uint16())]
    elif mask_type == AGGREGATED_SIGNATURE_ORDINARY_MASK:
        for byte_index, bits in enumerate(r.sized()):
            signers.extend(byte_index * 8 + bit for bit in range(8) if bits & (1 << bit))
    else:
        raise MalformedEncodingError(f"invalid signer mask type {mask_type}")
    _validate_aggregated_signers(signers)
    return AggregatedSignature(signers=tuple(signers), signature=signature)


def utf8_or_none(data: bytes) -> str | None:
    """Extras are usually memos; show them as text when they are text."""
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def transaction_as_json(tx: Transaction) -> dict[str, Any]:
    """A JSON-ready description for operators; byte fields are hex, amounts 8-place text."""
    described: dict[str, Any] = {
        "hash": transaction_hash(tx),
        "version": tx.version,
        "asset": tx.asset.hex(),
        "inputs": [_input_as_json(i) for i in tx.inputs],
        "outputs": [_output_as_json(o) for o in tx.outputs],
        "references": [reference.hex() for reference in tx.references],
        "extra": tx.extra.hex(),
    }
    described["extra_text"] = utf8_or_none(tx.extra)
    if tx.aggregated_signature is not None:
        described["aggregated_signature"] = {
            "signers": list(tx.aggregated_signature.signers),
            "signature": tx.aggregated_signature.signature.hex(),
        }
    else:
        described["signatures"] = [
            {str(index): signature.hex() for index, signature in sorted(sm.items())}
            for sm in tx.signatures
        ]
    return described


def _input_as_json(tx_input: Input) -> dict[str, Any]:
    described: dict[str, Any] = {"hash": tx_input.hash.hex(), "index": tx_input.index}
    if tx_input.genesis:
        described["genesis"] = tx_input.genesis.hex()
    if (deposit := tx_input.deposit) is not None:
        described["deposit"] = {
            "chain": deposit.chain.hex(),
            "asset_key": deposit.asset_key,
            "transaction": deposit.transaction,
            "index": deposit.index,
            "amount": f"{deposit.amount:f}",
        }
    if (mint := tx_input.mint) is not None:
        described["mint"] = {"group": mint.group, "batch": mint.batch, "amount": f"{mint.amount:f}"}
    return described


def _output_as_json(output: Output) -> dict[str, Any]:
    described: dict[str, Any] = {
        "type": output.type,
        "amount": f"{output.amount:f}",
        "keys": [key.hex() for key in output.keys],
        "mask": output.mask.hex(),
        "script": output.script.hex(),
    }
    if output.withdrawal is not None:
        described["withdrawal"] = {
            "address": output.withdrawal.address,
            "tag": output.withdrawal.tag,
        }
    return described
