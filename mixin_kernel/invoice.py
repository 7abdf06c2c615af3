"""Payment addresses and links of Mixin: MIX addresses, MIN invoices and pay URLs.

Formats as bot-api-go-client writes them (mix.go, invoice.go):
- MIX address = "MIX" + base58(payload || SHA3-256("MIX" || payload)[:4]), payload =
  [version 2, threshold, member count, members], a member being 16 UUID bytes or the
  64 bytes (public spend key, public view key) of a kernel "XIN" address.
- MIN invoice = "MIN" + base64url-nopad(payload || SHA3-256("MIN" || payload)[:4]),
  payload = version 0, uint16-sized recipient (MIX payload), then per entry: trace id,
  asset id, amount as 8-place text, uint16-sized extra and references, each either an
  earlier entry's index or a 32-byte transaction hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import base58

from mixin_kernel import crypto
from mixin_kernel.decoding import utf8_or_none
from mixin_kernel.errors import ChecksumMismatchError, InvalidAmountError, MalformedEncodingError
from mixin_kernel.kernel import (
    EXTRA_SIZE_GENERAL_LIMIT,
    HASH_SIZE,
    KEY_SIZE,
    REFERENCES_COUNT_LIMIT,
    amount_from_integer,
    amount_text,
    amount_to_integer,
)

MIX_ADDRESS_PREFIX = "MIX"
MIX_ADDRESS_VERSION = 2
MIX_ADDRESS_MEMBERS_LIMIT = 64
KERNEL_ADDRESS_PREFIX = "XIN"
INVOICE_PREFIX = "MIN"
INVOICE_VERSION = 0
INVOICE_ENTRIES_LIMIT = 128
PAY_URL_BASE = "https://mixin.one/pay/"
XIN_ASSET_ID = "c94ac88f-4671-3976-b60a-09064f1811e8"
STORAGE_PRICE_STEP = Decimal("0.0001")
EXTRA_SIZE_STORAGE_STEP = 1024

_CHECKSUM_SIZE = 4
_UUID_SIZE = 16
_REFERENCE_HASH = 0
_REFERENCE_INDEX = 1


def _checksum(prefix: str, payload: bytes) -> bytes:
    return hashlib.sha3_256(prefix.encode() + payload).digest()[:_CHECKSUM_SIZE]


def _split_checked(prefix: str, data: bytes) -> bytes:
    payload, checksum = data[:-_CHECKSUM_SIZE], data[-_CHECKSUM_SIZE:]
    if _checksum(prefix, payload) != checksum:
        raise ChecksumMismatchError(f"{prefix} checksum does not match")
    return payload


def _canonical_uuid(text: str) -> str:
    try:
        parsed = uuid.UUID(text)
    except (ValueError, AttributeError, TypeError) as exc:
        raise MalformedEncodingError(f"{text!r} is not a UUID") from exc
    if str(parsed) != text:
        raise MalformedEncodingError(f"{text!r} is not a lowercase hyphenated UUID")
    return text


def encode_kernel_address(spend_public: bytes, view_public: bytes) -> str:
    """A kernel address "XIN…" from its public spend and view keys."""
    keys = spend_public + view_public
    return (
        KERNEL_ADDRESS_PREFIX
        + base58.b58encode(keys + _checksum(KERNEL_ADDRESS_PREFIX, keys)).decode()
    )


def decode_kernel_address(text: str) -> crypto.MemberKeys:
    if not text.startswith(KERNEL_ADDRESS_PREFIX):
        raise MalformedEncodingError(f"{text!r} is not a kernel address")
    try:
        data = base58.b58decode(text[len(KERNEL_ADDRESS_PREFIX) :])
    except ValueError as exc:
        raise MalformedEncodingError(f"{text!r} is not base58") from exc
    if len(data) != 2 * KEY_SIZE + _CHECKSUM_SIZE:
        raise MalformedEncodingError(f"{text!r} has the wrong length for a kernel address")
    keys = _split_checked(KERNEL_ADDRESS_PREFIX, data)
    # The points are checked where they are used (ghost keys): the SDKs' storage recipient
    # carries the identity as its spend key, which only an address codec must accept.
    return crypto.MemberKeys(spend_public=keys[:KEY_SIZE], view_public=keys[KEY_SIZE:])


@dataclass(frozen=True)
class MixAddress:
    """Who may spend an output: `threshold` of `members` (all UUIDs or all XIN addresses).

    Members keep their encoded order; `sorted_members` is the order the Safe API expects.
    """

    members: tuple[str, ...]
    threshold: int

    def __post_init__(self) -> None:
        if not 1 <= len(self.members) <= MIX_ADDRESS_MEMBERS_LIMIT:
            raise MalformedEncodingError(
                f"a MIX address has 1..{MIX_ADDRESS_MEMBERS_LIMIT} members, got {len(self.members)}"
            )
        if not 1 <= self.threshold <= 0xFF:
            raise MalformedEncodingError(f"invalid threshold {self.threshold}")
        if self.has_uuid_members:
            for member in self.members:
                _canonical_uuid(member)
            if self.threshold > len(self.members):
                raise MalformedEncodingError(
                    f"threshold {self.threshold} exceeds {len(self.members)} members"
                )
        elif not all(m.startswith(KERNEL_ADDRESS_PREFIX) for m in self.members):
            raise MalformedEncodingError("members must be all UUIDs or all kernel addresses")

    @property
    def has_uuid_members(self) -> bool:
        return not self.members[0].startswith(KERNEL_ADDRESS_PREFIX)

    @property
    def sorted_members(self) -> tuple[str, ...]:
        return tuple(sorted(self.members))

    def payload(self) -> bytes:
        if self.has_uuid_members:
            member_bytes = b"".join(uuid.UUID(m).bytes for m in self.members)
        else:
            member_bytes = b"".join(
                keys.spend_public + keys.view_public
                for keys in map(decode_kernel_address, self.members)
            )
        return bytes([MIX_ADDRESS_VERSION, self.threshold, len(self.members)]) + member_bytes

    def encode(self) -> str:
        payload = self.payload()
        return (
            MIX_ADDRESS_PREFIX
            + base58.b58encode(payload + _checksum(MIX_ADDRESS_PREFIX, payload)).decode()
        )


def decode_mix_address(text: str) -> MixAddress:
    if not text.startswith(MIX_ADDRESS_PREFIX):
        raise MalformedEncodingError(f"{text!r} is not a MIX address")
    try:
        data = base58.b58decode(text[len(MIX_ADDRESS_PREFIX) :])
    except ValueError as exc:
        raise MalformedEncodingError(f"{text!r} is not base58") from exc
    if len(data) < 3 + _UUID_SIZE + _CHECKSUM_SIZE:
        raise MalformedEncodingError(f"MIX address too short: {len(data)} bytes")
    return _mix_address_from_payload(_split_checked(MIX_ADDRESS_PREFIX, data))


def _mix_address_from_payload(payload: bytes) -> MixAddress:
    if len(payload) < 3:
        raise MalformedEncodingError("MIX address payload too short")
    version, threshold, total = payload[0], payload[1], payload[2]
    if version != MIX_ADDRESS_VERSION:
        raise MalformedEncodingError(f"invalid MIX address version {version}")
    if threshold == 0 or total > MIX_ADDRESS_MEMBERS_LIMIT:
        raise MalformedEncodingError(f"invalid MIX address threshold {threshold}/{total}")
    members = payload[3:]
    if len(members) == _UUID_SIZE * total:
        parts = [members[i : i + _UUID_SIZE] for i in range(0, len(members), _UUID_SIZE)]
        return MixAddress(
            members=tuple(str(uuid.UUID(bytes=p)) for p in parts), threshold=threshold
        )
    width = 2 * KEY_SIZE
    if len(members) == width * total:
        parts = [members[i : i + width] for i in range(0, len(members), width)]
        return MixAddress(
            members=tuple(encode_kernel_address(p[:KEY_SIZE], p[KEY_SIZE:]) for p in parts),
            threshold=threshold,
        )
    raise MalformedEncodingError("MIX address members are neither UUIDs nor kernel keys")


@dataclass(frozen=True)
class InvoiceEntry:
    """One transfer the payer makes; `index_references` name earlier entries of the invoice,
    whose transactions this one will reference, `hash_references` existing transactions."""

    trace_id: str
    asset_id: str
    amount: Decimal
    extra: bytes = b""
    index_references: tuple[int, ...] = ()
    hash_references: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        _canonical_uuid(self.trace_id)
        _canonical_uuid(self.asset_id)
        if amount_to_integer(self.amount) == 0:
            raise InvalidAmountError("an invoice entry needs a positive amount")
        if len(self.extra) >= EXTRA_SIZE_GENERAL_LIMIT and not self.is_storage:
            # As the Go SDK: only an entry that pays XIN for storing its extra may be longer.
            raise MalformedEncodingError(
                f"invoice extra is {len(self.extra)} bytes, at most "
                f"{EXTRA_SIZE_GENERAL_LIMIT - 1} allowed"
            )
        if len(self.extra) > 0xFFFF:
            raise MalformedEncodingError(f"invoice extra is {len(self.extra)} bytes")
        if len(self.index_references) + len(self.hash_references) > REFERENCES_COUNT_LIMIT:
            raise MalformedEncodingError("too many references")
        if any(len(h) != HASH_SIZE for h in self.hash_references):
            raise MalformedEncodingError("a hash reference must be 32 bytes")

    @property
    def is_storage(self) -> bool:
        return (
            self.asset_id == XIN_ASSET_ID
            and len(self.extra) > EXTRA_SIZE_GENERAL_LIMIT
            and self.amount == storage_cost(len(self.extra))
        )


def storage_cost(extra_size: int) -> Decimal:
    """XIN the kernel charges to store an extra: 0.0001 per started KiB."""
    return STORAGE_PRICE_STEP * (extra_size // EXTRA_SIZE_STORAGE_STEP + 1)


@dataclass(frozen=True)
class Invoice:
    recipient: MixAddress
    entries: tuple[InvoiceEntry, ...]
    version: int = INVOICE_VERSION

    def __post_init__(self) -> None:
        if self.version != INVOICE_VERSION:
            raise MalformedEncodingError(f"invalid invoice version {self.version}")
        if not 1 <= len(self.entries) <= INVOICE_ENTRIES_LIMIT:
            raise MalformedEncodingError(
                f"an invoice has 1..{INVOICE_ENTRIES_LIMIT} entries, got {len(self.entries)}"
            )
        for position, entry in enumerate(self.entries):
            if any(index >= position for index in entry.index_references):
                raise MalformedEncodingError(f"entry {position} may only reference earlier entries")

    def encode(self) -> str:
        payload = _invoice_payload(self)
        return INVOICE_PREFIX + base64.urlsafe_b64encode(
            payload + _checksum(INVOICE_PREFIX, payload)
        ).decode().rstrip("=")

    def pay_url(self) -> str:
        return PAY_URL_BASE + self.encode()


def _invoice_payload(invoice: Invoice) -> bytes:
    recipient = invoice.recipient.payload()
    parts = [
        bytes([invoice.version]),
        len(recipient).to_bytes(2, "big"),
        recipient,
        bytes([len(invoice.entries)]),
    ]
    for entry in invoice.entries:
        amount = amount_text(entry.amount).encode()
        parts += [
            uuid.UUID(entry.trace_id).bytes,
            uuid.UUID(entry.asset_id).bytes,
            bytes([len(amount)]),
            amount,
            len(entry.extra).to_bytes(2, "big"),
            entry.extra,
            bytes([len(entry.index_references) + len(entry.hash_references)]),
        ]
        parts += [bytes([_REFERENCE_INDEX, index]) for index in entry.index_references]
        parts += [bytes([_REFERENCE_HASH]) + tx_hash for tx_hash in entry.hash_references]
    return b"".join(parts)


class _PayloadReader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def read(self, size: int) -> bytes:
        if len(self._data) - self._offset < size:
            raise MalformedEncodingError("invoice payload is truncated")
        chunk = self._data[self._offset : self._offset + size]
        self._offset += size
        return chunk

    def byte(self) -> int:
        return self.read(1)[0]

    def uint16(self) -> int:
        return int.from_bytes(self.read(2), "big")

    def exhausted(self) -> bool:
        return self._offset == len(self._data)


def decode_invoice(text: str) -> Invoice:
    if not text.startswith(INVOICE_PREFIX):
        raise MalformedEncodingError(f"{text[:12]!r}… is not a MIN invoice")
    encoded = text[len(INVOICE_PREFIX) :]
    try:
        data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedEncodingError("invoice is not base64url") from exc
    if len(data) < 3 + 23 + 1:
        raise MalformedEncodingError(f"invoice too short: {len(data)} bytes")
    reader = _PayloadReader(_split_checked(INVOICE_PREFIX, data))
    version = reader.byte()
    if version != INVOICE_VERSION:
        raise MalformedEncodingError(f"invalid invoice version {version}")
    recipient = _mix_address_from_payload(reader.read(reader.uint16()))
    entries = []
    for position in range(reader.byte()):
        trace_id = str(uuid.UUID(bytes=reader.read(_UUID_SIZE)))
        asset_id = str(uuid.UUID(bytes=reader.read(_UUID_SIZE)))
        amount_field = reader.read(reader.byte()).decode("ascii", errors="replace")
        amount = amount_from_integer(amount_to_integer(_parse_amount(amount_field)))
        extra = reader.read(reader.uint16())
        reference_count = reader.byte()
        if reference_count > REFERENCES_COUNT_LIMIT:
            raise MalformedEncodingError(f"too many references {reference_count}")
        index_references: list[int] = []
        hash_references: list[bytes] = []
        for _ in range(reference_count):
            kind = reader.byte()
            if kind == _REFERENCE_HASH:
                hash_references.append(reader.read(HASH_SIZE))
            elif kind == _REFERENCE_INDEX:
                index = reader.byte()
                if index >= position:
                    raise MalformedEncodingError(f"invalid reference index {index}")
                index_references.append(index)
            else:
                raise MalformedEncodingError(f"invalid reference type {kind}")
        entries.append(
            InvoiceEntry(
                trace_id=trace_id,
                asset_id=asset_id,
                amount=amount,
                extra=extra,
                index_references=tuple(index_references),
                hash_references=tuple(hash_references),
            )
        )
    if not reader.exhausted():
        raise MalformedEncodingError("unexpected bytes after the invoice entries")
    return Invoice(recipient=recipient, entries=tuple(entries))


def _parse_amount(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidAmountError(f"{text!r} is not an amount") from exc
    amount_to_integer(amount)
    return amount


@dataclass(frozen=True)
class PayRequest:
    """A single-asset payment link: pay `amount` of `asset_id` to `recipient_id`."""

    recipient_id: str
    asset_id: str
    amount: Decimal
    trace_id: str
    memo: str = ""

    def __post_init__(self) -> None:
        for value in (self.recipient_id, self.asset_id, self.trace_id):
            _canonical_uuid(value)
        if amount_to_integer(self.amount) == 0:
            raise InvalidAmountError("a payment needs a positive amount")

    def url(self) -> str:
        query = urlencode(
            {
                "asset": self.asset_id,
                "amount": f"{self.amount.normalize():f}",
                "trace": self.trace_id,
                "memo": self.memo,
            },
            quote_via=quote,
        )
        return f"{PAY_URL_BASE}{self.recipient_id}?{query}"


def parse_pay_url(url: str) -> PayRequest | Invoice:
    """Either kind of https://mixin.one/pay/… link: a MIN invoice or a single-asset request."""
    parts = urlsplit(url)
    base = urlsplit(PAY_URL_BASE)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        base.path
    ):
        raise MalformedEncodingError(f"{url!r} is not a Mixin pay URL")
    target = parts.path[len(base.path) :]
    if target.startswith(INVOICE_PREFIX):
        return decode_invoice(target)
    query = parse_qs(parts.query, keep_blank_values=True)

    def single(name: str, *, required: bool = True) -> str:
        values = query.get(name, [])
        if len(values) > 1 or (required and not values):
            raise MalformedEncodingError(f"pay URL needs exactly one {name!r}")
        return values[0] if values else ""

    return PayRequest(
        recipient_id=_canonical_uuid(target),
        asset_id=single("asset"),
        amount=_parse_amount(single("amount")),
        trace_id=single("trace"),
        memo=single("memo", required=False),
    )


def invoice_as_json(invoice: Invoice) -> dict[str, Any]:
    """A JSON-ready description for operators; bytes are hex, amounts 8-place text."""
    return {
        "version": invoice.version,
        "recipient": {
            "address": invoice.recipient.encode(),
            "members": list(invoice.recipient.sorted_members),
            "threshold": invoice.recipient.threshold,
        },
        "entries": [
            {
                "trace_id": entry.trace_id,
                "asset_id": entry.asset_id,
                "amount": amount_text(entry.amount),
                "extra": entry.extra.hex(),
                "extra_text": utf8_or_none(entry.extra),
                "index_references": list(entry.index_references),
                "hash_references": [h.hex() for h in entry.hash_references],
            }
            for entry in invoice.entries
        ],
    }
