"""What every gateway checks before it calls its venue, written once.

A request that breaks one of these never leaves the process: a missing idempotency id is
a programming error (ValueError), a quote below the market's minimums is a refusal
(RejectedError) the caller handles like the exchange's own.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal

from core.errors import RejectedError
from exchanges.gateway.protocol import MarketInfo

BUY, SELL = "buy", "sell"


def refusal(reason: str, **detail: str) -> dict[str, str]:
    """The detail of a RejectedError: its `reason` first, then what explains it."""
    return {"reason": reason, **detail}


def market_or_refuse(market: MarketInfo | None, *, symbol: str) -> MarketInfo:
    if market is None:
        raise RejectedError(f"unknown symbol {symbol}", detail=refusal("unknown_symbol"))
    return market


def order_quantize(
    *, market: MarketInfo, side: str, amount: Decimal, price: Decimal
) -> tuple[Decimal, Decimal]:
    """Bring a limit order to the market's step and tick, or refuse it before any call."""
    if side not in (BUY, SELL):
        raise RejectedError(
            f"side must be buy or sell, not {side!r}", detail=refusal("bad_request")
        )
    if not isinstance(amount, Decimal) or not isinstance(price, Decimal):
        raise TypeError("amount and price must be Decimal")
    amount = amount.quantize(market.step_size, rounding=ROUND_DOWN)
    price = price.quantize(market.tick_size, rounding=ROUND_FLOOR if side == BUY else ROUND_CEILING)
    if price <= 0:
        raise RejectedError(f"price {price} is not positive", detail=refusal("invalid_order"))
    if amount < market.min_qty or amount * price < market.min_notional:
        raise RejectedError(
            f"{amount} {market.base} at {price} is below {market.symbol}'s minimums "
            f"(quantity {market.min_qty}, notional {market.min_notional})",
            detail=refusal("below_min", amount=str(amount), price=str(price)),
        )
    if market.max_qty is not None and amount > market.max_qty:
        raise RejectedError(
            f"{amount} {market.base} is above {market.symbol}'s maximum {market.max_qty}",
            detail=refusal("invalid_order"),
        )
    return amount, price


def order_id_require(client_order_id: str) -> None:
    """Checked before anything else, so an order without its idempotency id costs no call."""
    if not client_order_id:
        raise ValueError("an order needs our client order id (its idempotency key)")


def order_reference(
    *, exchange_order_id: str | None, client_order_id: str | None
) -> tuple[str | None, str | None]:
    """(exchange id, client id) to look an order up by, only one of them set."""
    if exchange_order_id:
        return exchange_order_id, None
    if client_order_id:
        return None, client_order_id
    raise ValueError("give exchange_order_id or client_order_id")


def withdrawal_check(*, amount: Decimal, client_id: str) -> None:
    if not client_id:
        raise ValueError("a withdrawal needs our client id (its idempotency key)")
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValueError("amount must be a positive Decimal")


def epoch_ms(moment: datetime | None) -> int | None:
    """A `since` bound as the milliseconds both venues' histories filter on."""
    return None if moment is None else int(moment.timestamp() * 1000)
