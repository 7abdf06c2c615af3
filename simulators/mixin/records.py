"""The simulator's records: users, the bot's outputs, transaction requests, faults, and
Mixin's error shape."""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.rfc3339 import format_ns
from mixin_kernel import crypto as mixin_crypto
from mixin_kernel import kernel

FEE_USER_ID = "674d6776-d600-4346-af46-58e77d8df185"
EXTRA_LIMIT = 256


class SimError(Exception):
    """An answer in Mixin's error shape; Mixin sends most of them with HTTP 202."""

    def __init__(self, code: int, description: str, http_status: int = 202) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.http_status = http_status


@dataclass(frozen=True)
class BotIdentity:
    """What Mixin knows of the bot: public keys and the OAuth client secret, no private key."""

    app_id: str
    session_id: str
    session_public_key: str
    spend_public_key: str
    oauth_client_secret: str

    @classmethod
    def from_keystore(cls, keystore: object) -> "BotIdentity":
        return cls(
            app_id=keystore.app_id,
            session_id=keystore.session_id,
            session_public_key=keystore.session_public_key,
            spend_public_key=keystore.spend_public_key,
            oauth_client_secret=keystore.oauth_client_secret,
        )


@dataclass
class AssetInfo:
    asset_id: str
    chain_id: str
    symbol: str = "SIM"
    withdrawal_fee: Decimal = Decimal(0)
    fee_asset_id: str = ""
    minimum_withdrawal: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        self.fee_asset_id = self.fee_asset_id or self.asset_id


@dataclass
class SimUser:
    user_id: str
    full_name: str
    identity_number: str
    balances: dict[str, Decimal] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "type": "user",
            "user_id": self.user_id,
            "identity_number": self.identity_number,
            "full_name": self.full_name,
            "avatar_url": "",
        }


@dataclass
class BotOutput:
    output_id: str
    transaction_hash: str
    output_index: int
    asset_id: str
    amount: Decimal
    keys: list[str]
    mask: str
    view: bytes
    sequence: int
    created_ns: int
    extra: str = ""
    state: str = "unspent"

    def as_json(self, app_id: str) -> dict:
        return {
            "type": "kernel_output",
            "output_id": self.output_id,
            "transaction_hash": self.transaction_hash,
            "output_index": self.output_index,
            "asset_id": self.asset_id,
            "kernel_asset_id": kernel.asset_hash(self.asset_id).hex(),
            "amount": amount_text(self.amount),
            "mask": self.mask,
            "keys": self.keys,
            "senders_hash": "",
            "senders_threshold": 1,
            "senders": [],
            "receivers_hash": mixin_crypto.hash_members([app_id]),
            "receivers_threshold": 1,
            "receivers": [app_id],
            "extra": self.extra,
            "state": self.state,
            "sequence": self.sequence,
            "created_at": format_ns(self.created_ns),
            "updated_at": format_ns(self.created_ns),
        }


@dataclass
class GhostRecord:
    """Who an issued ghost key pays, and (for the bot) the private view behind it."""

    receivers: list[str]
    threshold: int
    view: bytes | None


@dataclass
class TxRequest:
    request_id: str
    transaction_hash: str
    asset_id: str
    amount: Decimal
    extra: str
    raw: str
    views: list[str]
    receivers: list[dict]
    inputs: list[tuple[str, int]]
    created_ns: int
    state: str = "unspent"
    signed_raw: str = ""
    snapshot_id: str = ""
    snapshot_at_ns: int = 0

    def as_json(self, app_id: str) -> dict:
        return {
            "type": "transaction_request",
            "request_id": self.request_id,
            "transaction_hash": self.transaction_hash,
            "asset": kernel.asset_hash(self.asset_id).hex(),
            "asset_id": self.asset_id,
            "amount": amount_text(self.amount),
            "extra": self.extra,
            "receivers": self.receivers,
            "senders": [app_id],
            "senders_hash": mixin_crypto.hash_members([app_id]),
            "senders_threshold": 1,
            "signers": [app_id] if self.signed_raw else [],
            "state": self.state,
            "raw_transaction": self.signed_raw or self.raw,
            "created_at": format_ns(self.created_ns),
            "updated_at": format_ns(self.snapshot_at_ns or self.created_ns),
            "snapshot_id": self.snapshot_id,
            "snapshot_hash": self.transaction_hash if self.snapshot_id else "",
            "snapshot_at": format_ns(self.snapshot_at_ns) if self.snapshot_at_ns else "",
            "views": self.views,
        }


@dataclass(frozen=True)
class ChainDelivery:
    """A withdrawal leaving for a chain address, to hand to the peer simulator."""

    asset_id: str
    address: str
    tag: str
    amount: Decimal
    tx_hash: str


@dataclass
class Fault:
    path: str
    method: str
    kind: str
    count: int
    code: int = 0
    delay_ms: int = 3000

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path


FAULT_KINDS = frozenset({"timeout", "drop", "http_500", "rate_limit", "error"})
# A chaos draw (simulators/chaos.py) as this simulator's fault.
CHAOS_AS_FAULT = {
    "timeout": "timeout",
    "http_500": "http_500",
    "rate_limit": "rate_limit",
    "disconnect": "drop",
}


def amount_text(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount else "0"


def parse_amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise SimError(10002, f"invalid amount {value!r}") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("1e-8")):
        raise SimError(10002, f"invalid amount {value!r}")
    return amount


def parse_uuid(value: object, name: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise SimError(10002, f"invalid {name} {value!r}") from None
