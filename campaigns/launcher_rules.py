"""HuFi's launcher rules for a campaign manifest (shared/reference/hufi.md), so a campaign
form is checked before anyone funds an escrow. Pure; every broken rule is listed at once,
under the field it is about (`manifest_field_problems`) or as one list (`manifest_problems`).
"""

import math
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

PAIR = re.compile(r"^[0-9A-Z]{2,10}/[0-9A-Z]{3,10}$")
SYMBOL = re.compile(r"^[0-9A-Z]{2,10}$")
MIN_DURATION = timedelta(hours=6)
MAX_DURATION = timedelta(days=100)
PAST_TOLERANCE = timedelta(minutes=10)
FUND_PER_DAY = Decimal(10)

# Per type: the market field, and each number with its floor.
TYPES: dict[str, tuple[str, dict[str, Decimal]]] = {
    "MARKET_MAKING": ("pair", {"daily_volume_target": Decimal(1)}),
    "COMPETITIVE_MARKET_MAKING": ("pair", {"minimum_volume_required": Decimal(1)}),
    "THRESHOLD_MARKET_MAKING": ("pair", {"minimum_volume_target": Decimal(1)}),
    "HOLDING": ("symbol", {"daily_balance_target": Decimal("0.001")}),
    "THRESHOLD": ("symbol", {"minimum_balance_target": Decimal("0.001")}),
}


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _moment(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


Problems = dict[str, list[str]]


def _add(problems: Problems, field: str, text: str) -> None:
    problems.setdefault(field, []).append(text)


def _dates(manifest: dict, now: datetime, problems: Problems) -> timedelta | None:
    start, end = _moment(manifest.get("start_date")), _moment(manifest.get("end_date"))
    if start is None or end is None:
        for name, moment in (("start_date", start), ("end_date", end)):
            if moment is None:
                _add(problems, name, "start_date and end_date must be ISO 8601 times with a zone")
        return None
    if end <= start:
        _add(problems, "end_date", "end_date must be after start_date")
        return None
    if not MIN_DURATION <= end - start <= MAX_DURATION:
        _add(problems, "end_date", "the campaign must last from 6 hours to 100 days")
    if start < now - PAST_TOLERANCE or end < now - PAST_TOLERANCE:
        _add(
            problems,
            "start_date",
            "start_date and end_date may be at most 10 minutes in the past",
        )
    return end - start


def _participants(manifest: dict, campaign_type: str, problems: Problems) -> None:
    if campaign_type == "THRESHOLD_MARKET_MAKING" or manifest.get("max_participants") is not None:
        value = manifest.get("max_participants")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            _add(problems, "max_participants", "max_participants must be an integer of at least 1")


def _distribution(manifest: dict, problems: Problems) -> None:
    shares = manifest.get("rewards_distribution")
    numbers = [_number(s) for s in shares] if isinstance(shares, list) and shares else [None]
    if any(n is None or n < 1 for n in numbers):
        _add(
            problems,
            "rewards_distribution",
            "rewards_distribution must list percents of at least 1",
        )
    elif sum(n for n in numbers if n is not None) != 100:
        _add(problems, "rewards_distribution", "rewards_distribution must add up to 100")


def _fund(
    fund_amount: object, token_decimals: int, duration: timedelta | None, problems: Problems
) -> None:
    fund = _number(fund_amount)
    if fund is None or fund <= 0:
        _add(problems, "fund_amount", "fund_amount must be a positive number")
        return
    if -fund.as_tuple().exponent > token_decimals:  # type: ignore[operator]
        _add(problems, "fund_amount", f"fund_amount has more than {token_decimals} decimals")
    if duration is not None:
        days = math.ceil(duration / timedelta(days=1))
        if fund < FUND_PER_DAY * days:
            _add(
                problems,
                "fund_amount",
                f"fund_amount must be at least {FUND_PER_DAY * days} ({days} days)",
            )


def manifest_field_problems(
    manifest: dict, *, fund_amount: object, token_decimals: int, now: datetime
) -> Problems:
    """Every launcher rule `manifest` and its fund break, under the field each is about;
    an empty dict passes."""
    problems: Problems = {}
    campaign_type = str(manifest.get("type", ""))
    if campaign_type not in TYPES:
        return {"type": [f"type must be one of {', '.join(TYPES)}"]}
    market_field, floors = TYPES[campaign_type]
    if not str(manifest.get("exchange") or ""):
        _add(problems, "exchange", "exchange is required")
    pattern = PAIR if market_field == "pair" else SYMBOL
    if not pattern.match(str(manifest.get(market_field, ""))):
        _add(problems, market_field, f"{market_field} must match {pattern.pattern}")
    for name, floor in floors.items():
        value = _number(manifest.get(name))
        if value is None or value < floor:
            _add(problems, name, f"{name} must be a number of at least {floor}")
    _participants(manifest, campaign_type, problems)
    if campaign_type == "COMPETITIVE_MARKET_MAKING":
        _distribution(manifest, problems)
    duration = _dates(manifest, now, problems)
    _fund(fund_amount, token_decimals, duration, problems)
    return problems


def manifest_problems(
    manifest: dict, *, fund_amount: object, token_decimals: int, now: datetime
) -> list[str]:
    """The same problems as one list, each once; an empty list passes."""
    by_field = manifest_field_problems(
        manifest, fund_amount=fund_amount, token_decimals=token_decimals, now=now
    )
    return list(dict.fromkeys(text for texts in by_field.values() for text in texts))
