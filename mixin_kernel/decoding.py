"""Decoding kernel transactions, and their JSON view for people.

Decoding re-encodes what it read and compares (mixin_kernel.kernel encodes), as the kernel
does, so a transaction has exactly one valid encoding.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mixin_kernel.errors import MalformedEncodingError
from mixin_kernel.kernel import (
    AGGREGATED_SIGNATURE_ORDINARY_MASK,
    AGGREGATED_SIGNATURE_PREFIX,
    AGGREGATED_SIGNATURE_SPARSE_MASK,
    EXTRA_SIZE_STORAGE_CAPACITY,
    HASH_SIZE,
    INPUT_INDEX_LIMIT,
    KEY_SIZE,
    MAGIC,
    MAXIMUM_ENCODING_INT,
    NULL,
    SIGNATURE_SIZE,
    SLICE_COUNT_LIMIT,
    TX_VERSION,
    AggregatedSignature,
    DepositData,
    Input,
    MintData,
    Output,
    Transaction,
    WithdrawalData,
    amount_from_integer,
    encode_transaction,
    transaction_hash,
    validate_aggregated_signers,
)


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
    validate_aggregated_signers(signers)
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
