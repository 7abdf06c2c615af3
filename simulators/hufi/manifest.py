"""HuFi campaign manifests: the five campaign types and the launcher's rules for each.

Pure (no I/O). The rules are those of HuFi's campaign launcher as written in
shared/reference/hufi.md: the pair or symbol pattern, strictly positive numbers, volume
targets of at least 1 and balance targets of at least 0.001, a duration of 6 hours to 100
days, start and end no more than 10 minutes in the past, and a fund of at least 10 tokens
per (started) day. Numbers arrive as JSON integers, strings or Decimals, never floats.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from core.money import to_decimal

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
MIN_DURATION_MS = 6 * HOUR_MS
MAX_DURATION_MS = 100 * DAY_MS
PAST_TOLERANCE_MS = 10 * MINUTE_MS
FUND_PER_DAY = Decimal(10)
MIN_VOLUME_TARGET = Decimal(1)
MIN_BALANCE_TARGET = Decimal("0.001")
MIN_DISTRIBUTION_PERCENT = Decimal(1)

PAIR = re.compile(r"^[0-9A-Z]{2,10}/[0-9A-Z]{3,10}$")
SYMBOL = re.compile(r"^[0-9A-Z]{2,10}$")

MARKET_MAKING = "MARKET_MAKING"
COMPETITIVE_MARKET_MAKING = "COMPETITIVE_MARKET_MAKING"
THRESHOLD_MARKET_MAKING = "THRESHOLD_MARKET_MAKING"
HOLDING = "HOLDING"
THRESHOLD = "THRESHOLD"

VOLUME, BALANCE, COUNT, DISTRIBUTION = "volume", "balance", "count", "distribution"

# type -> (the field naming what is traded or held, ((detail field, kind, required), ...))
TYPES: dict[str, tuple[str, tuple[tuple[str, str, bool], ...]]] = {
    MARKET_MAKING: ("pair", (("daily_volume_target", VOLUME, True),)),
    COMPETITIVE_MARKET_MAKING: (
        "pair",
        (("minimum_volume_required", VOLUME, True), ("rewards_distribution", DISTRIBUTION, True)),
    ),
    THRESHOLD_MARKET_MAKING: (
        "pair",
        (("minimum_volume_target", VOLUME, True), ("max_participants", COUNT, True)),
    ),
    HOLDING: ("symbol", (("daily_balance_target", BALANCE, True),)),
    THRESHOLD: (
        "symbol",
        (("minimum_balance_target", BALANCE, True), ("max_participants", COUNT, False)),
    ),
}
TRADING_TYPES = frozenset({MARKET_MAKING, COMPETITIVE_MARKET_MAKING, THRESHOLD_MARKET_MAKING})


class ManifestError(ValueError):
    """Every rule a manifest breaks, so the launcher can show them all at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Manifest:
    type: str
    exchange: str
    symbol: str  # the pair (BASE/QUOTE) for trading types, the token for holding types
    start_ms: int
    end_ms: int
    details: dict[str, object] = field(default_factory=dict)

    @property
    def duration_days(self) -> int:
        """Started days: the number of daily cycles and the divisor of the daily reward."""
        return math.ceil((self.end_ms - self.start_ms) / DAY_MS)

    @property
    def is_trading(self) -> bool:
        return self.type in TRADING_TYPES

    @property
    def base_asset(self) -> str:
        """The asset whose exchange deposit address identifies a participant's account."""
        return self.symbol.split("/")[0]

    def details_json(self) -> dict[str, object]:
        return {name: json_value(value) for name, value in self.details.items()}


def json_value(value: object) -> object:
    """Decimals as plain text (never floats, never an exponent), lists element-wise."""
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return format(normalized, "f") if normalized != 0 else "0"
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def parse_decimal(raw: object, name: str) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"{name} must be a decimal string or an integer")
    try:
        return to_decimal(raw)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def parse_time_ms(raw: object, name: str) -> int:
    """An ISO 8601 timestamp with a zone (Z or an offset) as epoch milliseconds."""
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 timestamp: {raw!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} must name its time zone")
    return int(moment.timestamp() * 1000)


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _detail(raw: object, name: str, kind: str, problems: list[str]) -> object:
    try:
        if kind == COUNT:
            if isinstance(raw, bool) or not isinstance(raw, int | str):
                raise ValueError(f"{name} must be an integer")
            count = int(raw)
            if count < 1:
                raise ValueError(f"{name} must be at least 1")
            return count
        if kind == DISTRIBUTION:
            if not isinstance(raw, list) or not raw:
                raise ValueError(f"{name} must be a non-empty list of percentages")
            shares = [parse_decimal(item, name) for item in raw]
            if any(share < MIN_DISTRIBUTION_PERCENT for share in shares):
                raise ValueError(f"every share of {name} must be at least 1 percent")
            if sum(shares) != 100:
                raise ValueError(f"the shares of {name} must add up to 100 percent")
            return tuple(shares)
        value = parse_decimal(raw, name)
        minimum = MIN_VOLUME_TARGET if kind == VOLUME else MIN_BALANCE_TARGET
        if value < minimum:
            raise ValueError(f"{name} must be at least {minimum}")
        return value
    except ValueError as exc:
        problems.append(str(exc))
        return None


def manifest_validate(
    raw: dict, *, now_ms: int, fund_amount: Decimal, exchanges: Collection[str]
) -> Manifest:
    """The manifest as the launcher accepts it, or ManifestError listing every problem."""
    problems: list[str] = []
    campaign_type = raw.get("type")
    if campaign_type not in TYPES:
        raise ManifestError([f"type must be one of {sorted(TYPES)}"])
    symbol_field, detail_fields = TYPES[str(campaign_type)]
    exchange = str(raw.get("exchange") or "")
    if exchange not in exchanges:
        problems.append(f"exchange {exchange!r} is not supported; use one of {sorted(exchanges)}")
    symbol = str(raw.get(symbol_field) or "")
    pattern = PAIR if symbol_field == "pair" else SYMBOL
    if not pattern.match(symbol):
        problems.append(f"{symbol_field} {symbol!r} does not match {pattern.pattern}")
    times: list[int] = []
    for name in ("start_date", "end_date"):
        try:
            times.append(parse_time_ms(raw.get(name), name))
        except ValueError as exc:
            problems.append(str(exc))
    details = {}
    for name, kind, required in detail_fields:
        if raw.get(name) is None:
            if required:
                problems.append(f"{name} is required for {campaign_type}")
            continue
        details[name] = _detail(raw[name], name, kind, problems)
    if len(times) == 2:
        start_ms, end_ms = times
        if min(start_ms, end_ms) < now_ms - PAST_TOLERANCE_MS:
            problems.append("start_date and end_date may be at most 10 minutes in the past")
        if not MIN_DURATION_MS <= end_ms - start_ms <= MAX_DURATION_MS:
            problems.append("the campaign must last from 6 hours to 100 days")
        days = math.ceil((end_ms - start_ms) / DAY_MS)
        if days > 0 and fund_amount < FUND_PER_DAY * days:
            problems.append(f"the fund must be at least {FUND_PER_DAY * days} ({days} days)")
    if fund_amount <= 0:
        problems.append("the fund amount must be positive")
    if problems:
        raise ManifestError(problems)
    return Manifest(
        type=str(campaign_type),
        exchange=exchange,
        symbol=symbol,
        start_ms=times[0],
        end_ms=times[1],
        details=details,
    )
