"""StrategyState to and from JSON, for the executor to persist it with the order."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from strategy.params import format_decimal
from strategy.types import StrategyState


def state_to_dict(state: StrategyState) -> dict[str, object]:
    def moment(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    def amount(value: Decimal | None) -> str | None:
        return None if value is None else format_decimal(value)

    return {
        "create_at": moment(state.create_at),
        "refresh_at": moment(state.refresh_at),
        "filled_buys_balance": state.filled_buys_balance,
        "filled_sells_balance": state.filled_sells_balance,
        "last_fill_at": moment(state.last_fill_at),
        "last_own_trade_price": amount(state.last_own_trade_price),
        "band_anchor_price": amount(state.band_anchor_price),
        "band_anchored_at": moment(state.band_anchored_at),
        "volatility_samples": [format_decimal(sample) for sample in state.volatility_samples],
        "peak_equity": amount(state.peak_equity),
        "hanging_order_ids": sorted(state.hanging_order_ids),
    }


def state_from_dict(data: Mapping[str, Any]) -> StrategyState:
    """The inverse of state_to_dict; missing keys take their initial values."""

    def moment(name: str) -> datetime | None:
        value = data.get(name)
        return None if value is None else datetime.fromisoformat(str(value))

    def amount(name: str) -> Decimal | None:
        value = data.get(name)
        return None if value is None else Decimal(str(value))

    return StrategyState(
        create_at=moment("create_at"),
        refresh_at=moment("refresh_at"),
        filled_buys_balance=int(data.get("filled_buys_balance", 0)),
        filled_sells_balance=int(data.get("filled_sells_balance", 0)),
        last_fill_at=moment("last_fill_at"),
        last_own_trade_price=amount("last_own_trade_price"),
        band_anchor_price=amount("band_anchor_price"),
        band_anchored_at=moment("band_anchored_at"),
        volatility_samples=tuple(
            Decimal(str(sample)) for sample in data.get("volatility_samples", [])
        ),
        peak_equity=amount("peak_equity"),
        hanging_order_ids=frozenset(data.get("hanging_order_ids", [])),
    )
