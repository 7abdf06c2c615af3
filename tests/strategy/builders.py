"""Small builders for strategy inputs, so each test states only what it is about."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from strategy import (
    Balances,
    Book,
    Decision,
    MarketSnapshot,
    OpenOrder,
    Side,
    StrategyParams,
    StrategyState,
    decide,
    validate_params,
)

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
D = Decimal


def params(**overrides: object) -> StrategyParams:
    base: dict[str, object] = {"bid_spread": "0.01", "ask_spread": "0.01", "order_amount": "1"}
    return validate_params({**base, **overrides})


def market(
    bid: str = "99.9",
    ask: str = "100.1",
    *,
    bid_size: str = "10",
    ask_size: str = "10",
    last: str | None = None,
    tick: str = "0.01",
    step: str = "0.01",
    min_notional: str = "0",
    min_amount: str = "0",
    reference_book: Book | None = None,
) -> MarketSnapshot:
    return MarketSnapshot(
        book=Book(
            bids=((D(bid), D(bid_size)),),
            asks=((D(ask), D(ask_size)),),
            last_price=None if last is None else D(last),
        ),
        tick_size=D(tick),
        step_size=D(step),
        min_notional=D(min_notional),
        min_amount=D(min_amount),
        reference_book=reference_book,
    )


def funds(base: str, quote: str) -> Balances:
    return Balances(base=D(base), quote=D(quote))


def order(
    order_id: str, side: str, price: str, amount: str = "1", *, level: int = 0, age_s: int = 0
) -> OpenOrder:
    return OpenOrder(
        id=order_id,
        side=Side(side),
        price=D(price),
        amount=D(amount),
        created_at=T0 - timedelta(seconds=age_s),
        level=level,
    )


def tick(
    strategy: StrategyParams,
    snapshot: MarketSnapshot | None = None,
    *,
    balances: Balances | None = None,
    open_orders: list[OpenOrder] | None = None,
    now: datetime = T0,
    state: StrategyState | None = None,
) -> Decision:
    return decide(
        snapshot=snapshot or market(),
        params=strategy,
        balances=balances,
        open_orders=open_orders or [],
        now=now,
        state=state or StrategyState(),
    )


def quotes(decision: Decision, side: str) -> list[tuple[str, str, int]]:
    """(price, amount, level) of the proposed quotes on one side, as plain strings."""
    return [
        (str(q.price.normalize()), str(q.amount.normalize()), q.level)
        for q in decision.create
        if q.side is Side(side)
    ]


def dropped(decision: Decision) -> list[tuple[str, int, str]]:
    return [(d.side.value, d.level, d.reason.value) for d in decision.dropped]


def cancels(decision: Decision) -> dict[str, str]:
    return {c.order_id: c.reason.value for c in decision.cancel}
