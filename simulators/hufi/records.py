"""The HuFi simulator's records: tokens, exchanges, users and keys, campaigns, transfers.

Plain dataclasses in memory; `HufiWorld` changes them under its lock. Campaigns render
themselves in the launcher's shapes (amounts as decimal text, times as ISO 8601 UTC).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from simulators.hufi import scoring
from simulators.hufi.manifest import Manifest, iso_ms, json_value

ACTIVE, TO_CANCEL, CANCELLED, COMPLETED = "active", "to_cancel", "cancelled", "completed"
FEE_NAMES = ("exchange_oracle", "recording_oracle", "reputation_oracle")


class HufiError(Exception):
    """A refusal, answered as {"status_code", "error", "message"} with its HTTP status."""

    def __init__(self, status: int, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


class SimClock:
    """Wall time plus an offset the control API can set (campaign time and token expiry)."""

    def __init__(self) -> None:
        self.offset_ms = 0

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms


@dataclass(frozen=True)
class Token:
    chain_id: int
    address: str
    symbol: str
    decimals: int
    mixin_asset_id: str = ""  # the asset a Mixin deposit of this token arrives as
    usd_price: Decimal = Decimal(0)


@dataclass(frozen=True)
class SimExchange:
    name: str
    display_name: str
    ccxt_id: str
    api_base_url: str


@dataclass
class ApiKeyRecord:
    key_id: str
    exchange_name: str
    api_key: str
    secret_key: str
    extras: dict
    is_valid: bool
    updated_at_ms: int

    def as_json(self) -> dict:
        """Never the secret."""
        return {
            "id": self.key_id,
            "exchange_name": self.exchange_name,
            "api_key": self.api_key,
            "is_valid": self.is_valid,
            "missing_permissions": [] if self.is_valid else ["read"],
            "updated_at": iso_ms(self.updated_at_ms),
        }


@dataclass
class User:
    address: str  # checksummed; users are keyed by the lower-case form
    nonce: str
    payout_address: str
    api_keys: dict[str, ApiKeyRecord] = field(default_factory=dict)  # by exchange name


@dataclass(frozen=True)
class Participation:
    join_id: str
    address: str
    joined_at_ms: int


@dataclass
class Transfer:
    """A reward payment on the simulated chain, and how far it got."""

    tx_hash: str
    campaign: str
    cycle_from_ms: int
    participant: str
    to: str
    token: Token
    amount: Decimal
    status: str = "pending"  # pending | delivered | external | undelivered
    detail: str = ""

    def as_json(self) -> dict:
        return {
            "tx_hash": self.tx_hash,
            "campaign": self.campaign,
            "cycle_from": iso_ms(self.cycle_from_ms),
            "participant": self.participant,
            "to": self.to,
            "token": self.token.address,
            "token_symbol": self.token.symbol,
            "amount": json_value(self.amount),
            "status": self.status,
            "detail": self.detail,
        }


@dataclass
class Campaign:
    chain_id: int
    address: str
    manifest: Manifest
    token: Token
    fund_amount: Decimal
    launcher: str
    oracles: dict[str, str]  # fee name -> address
    fee_percents: dict[str, Decimal]  # fee name -> percent of the fund
    created_at_ms: int
    status: str = ACTIVE
    cancellation_requested_at_ms: int | None = None
    finalized_at_ms: int | None = None
    amount_paid: Decimal = Decimal(0)
    cycles_done: int = 0
    cycle_in_progress: bool = False
    results: list[dict] = field(default_factory=list)  # the results file's entries so far
    daily_paid: dict[str, Decimal] = field(default_factory=dict)  # by cycle start date
    last_leaderboard: list[dict] = field(default_factory=list)
    intermediate_results_url: str = ""
    final_results_url: str = ""
    participants: dict[str, Participation] = field(default_factory=dict)  # by lower address

    @property
    def key(self) -> str:
        return f"{self.chain_id}-{self.address}"

    @property
    def fee_percent(self) -> Decimal:
        return sum(self.fee_percents.values(), Decimal(0))

    @property
    def fund_amount_net(self) -> Decimal:
        return self.fund_amount * (100 - self.fee_percent) / 100

    def daily_reward(self, *, gross: bool = False) -> Decimal:
        return scoring.daily_reward(
            fund=self.fund_amount,
            fee_percent=Decimal(0) if gross else self.fee_percent,
            duration_days=self.manifest.duration_days,
        )

    def windows(self) -> list[tuple[int, int]]:
        end = self.manifest.end_ms
        if self.cancellation_requested_at_ms is not None:
            end = min(end, max(self.cancellation_requested_at_ms, self.manifest.start_ms))
        return scoring.cycle_windows(start_ms=self.manifest.start_ms, end_ms=end)

    def next_window(self) -> tuple[int, int] | None:
        windows = self.windows()
        return windows[self.cycles_done] if self.cycles_done < len(windows) else None

    def join_closed_reason(self, now_ms: int) -> str:
        if self.status != ACTIVE or now_ms >= self.manifest.end_ms:
            return "ended"
        limit = self.manifest.details.get("max_participants")
        if isinstance(limit, int) and len(self.participants) >= limit:
            return "max_participants_reached"
        return ""

    def as_json(self, *, detail: bool = False) -> dict:
        def when(ms: int | None) -> str | None:
            return iso_ms(ms) if ms is not None else None

        body: dict[str, object] = {
            "chain_id": self.chain_id,
            "address": self.address,
            "type": self.manifest.type,
            "exchange_name": self.manifest.exchange,
            "symbol": self.manifest.symbol,
            "details": self.manifest.details_json(),
            "start_date": iso_ms(self.manifest.start_ms),
            "end_date": iso_ms(self.manifest.end_ms),
            "created_at": iso_ms(self.created_at_ms),
            "cancellation_requested_at": when(self.cancellation_requested_at_ms),
            "finalized_at": when(self.finalized_at_ms),
            "fund_amount": json_value(self.fund_amount),
            "fund_token": self.token.address,
            "fund_token_symbol": self.token.symbol,
            "fund_token_decimals": self.token.decimals,
            "balance": json_value(self.fund_amount - self.amount_paid),
            "amount_paid": json_value(self.amount_paid),
            "launcher": self.launcher,
            **{name: self.oracles[name] for name in FEE_NAMES},
            "intermediate_results_url": self.intermediate_results_url or None,
            "final_results_url": self.final_results_url or None,
            "status": self.status,
        }
        if detail:
            for name in FEE_NAMES:
                body[f"{name}_fee_percent"] = json_value(self.fee_percents[name])
            body["reserved_funds"] = json_value(self.fund_amount - self.fund_amount_net)
        return body
