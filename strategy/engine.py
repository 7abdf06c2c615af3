"""The strategy as one pure function: what to quote, cancel and keep on this tick, and why.

The order of steps follows Hummingbot's pure market making so that its users recognise the
results: level prices → static band → moving band → ping-pong → size skew → budget →
exchange minimums → taker filter; then max order age, the refresh-tolerance rule, the
minimum-spread check and hanging orders decide about the open orders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from strategy import avellaneda
from strategy.inventory import skew_ratios, total_order_size
from strategy.params import StrategyParams
from strategy.pricing import reference_price
from strategy.quantize import quantize_amount, quantize_price
from strategy.types import (
    AdaptiveFigures,
    Balances,
    Cancel,
    CancelReason,
    Decision,
    Dropped,
    DropReason,
    MarketSnapshot,
    OpenOrder,
    Quote,
    Side,
    StrategyState,
)

ZERO, ONE = Decimal(0), Decimal(1)


@dataclass(slots=True)
class _Candidate:
    side: Side
    level: int
    price: Decimal
    amount: Decimal


Drop = Callable[[list[_Candidate], DropReason], None]


@dataclass(frozen=True, slots=True)
class _Inventory:
    """Balances with our open orders' locks added back, split the two ways Hummingbot uses."""

    base_total: Decimal  # everything the order holds: skew, adaptive q, equity
    quote_total: Decimal
    base_budget: Decimal  # free plus what non-hanging orders lock: what a new set may use
    quote_budget: Decimal


def decide(
    *,
    snapshot: MarketSnapshot,
    params: StrategyParams,
    balances: Balances | None,
    open_orders: list[OpenOrder],
    now: datetime,
    state: StrategyState,
) -> Decision:
    """One tick. `balances=None` is a dry run before funding: no budget, no inventory sizing."""
    open_ids = {order.id for order in open_orders}
    hanging_ids = (
        frozenset(state.hanging_order_ids & open_ids)
        if params.hanging_orders_enabled
        else frozenset()
    )
    # A replace builds the whole state again: only when a field changes (most ticks change
    # none of these).
    if hanging_ids != state.hanging_order_ids:
        state = replace(state, hanging_order_ids=hanging_ids)
    if state.filled_buys_balance == state.filled_sells_balance != 0:
        state = replace(state, filled_buys_balance=0, filled_sells_balance=0)

    price = reference_price(snapshot=snapshot, params=params, state=state)
    if price is None:
        return Decision(
            reference_price=None,
            create=(),
            cancel=(),
            keep=tuple(order.id for order in open_orders),
            dropped=tuple(
                Dropped(side, level, DropReason.NO_REFERENCE_PRICE)
                for side in Side
                for level in range(params.order_levels)
            ),
            state=state,
        )

    inventory = _inventory(balances, open_orders, hanging_ids)
    equity = None
    if inventory is not None:
        equity = inventory.base_total * price + inventory.quote_total
        peak = equity if state.peak_equity is None else max(state.peak_equity, equity)
        if peak != state.peak_equity:
            state = replace(state, peak_equity=peak)
    if params.adaptive_spreads_enabled:
        samples = (*state.volatility_samples, price)[-params.volatility_window :]
        state = replace(state, volatility_samples=samples)
    if params.moving_price_band_enabled:
        state = _reanchor_band(state, params, price, now)

    proposal: list[_Candidate] | None = None
    dropped: list[Dropped] = []
    adaptive: AdaptiveFigures | None = None
    if state.create_at is None or now >= state.create_at:
        proposal, dropped, adaptive = _propose(snapshot, params, inventory, state, price)

    non_hanging = [order for order in open_orders if order.id not in hanging_ids]
    cancels: dict[str, CancelReason] = {}
    max_age = timedelta(seconds=params.max_order_age)
    if any(now - order.created_at > max_age for order in non_hanging):
        cancels.update(dict.fromkeys((o.id for o in non_hanging), CancelReason.MAX_ORDER_AGE))

    kept_within_tolerance = False
    still_open = [order for order in non_hanging if order.id not in cancels]
    if still_open and (state.refresh_at is None or now >= state.refresh_at):
        if proposal is not None and _within_tolerance(still_open, proposal, params):
            kept_within_tolerance = True
        else:
            cancels.update(dict.fromkeys((o.id for o in still_open), CancelReason.REFRESH))

    if params.minimum_spread > 0:
        for order in non_hanging:
            if order.id not in cancels and _distance(order, price) < params.minimum_spread:
                cancels[order.id] = CancelReason.BELOW_MINIMUM_SPREAD
    for order in open_orders:
        if order.id in hanging_ids:
            if abs(order.price - price) / price >= params.hanging_orders_cancel_pct:
                cancels[order.id] = CancelReason.HANGING_TOO_FAR

    create: list[_Candidate] = []
    remaining = [order for order in non_hanging if order.id not in cancels]
    if proposal is not None and not remaining and not kept_within_tolerance:
        create = proposal
    if kept_within_tolerance or create:
        state = _set_timers(state, params, now)

    return Decision(
        reference_price=price,
        create=tuple(Quote(c.side, c.price, c.amount, c.level) for c in create),
        cancel=tuple(Cancel(order_id, reason) for order_id, reason in cancels.items()),
        keep=tuple(order.id for order in open_orders if order.id not in cancels),
        dropped=tuple(dropped),
        state=state,
        equity=equity,
        adaptive=adaptive,
    )


def state_after_fill(
    state: StrategyState,
    *,
    params: StrategyParams,
    filled: OpenOrder,
    open_orders: list[OpenOrder],
    at: datetime,
) -> StrategyState:
    """Carry a completely filled order into the state: delay, ping-pong, hanging partner."""
    state = replace(state, last_own_trade_price=filled.price, last_fill_at=at)
    if filled.id in state.hanging_order_ids:
        return replace(state, hanging_order_ids=state.hanging_order_ids - {filled.id})
    create_at = at + timedelta(seconds=params.filled_order_delay)
    refresh_at = create_at if state.refresh_at is None else min(state.refresh_at, create_at)
    state = replace(state, create_at=create_at, refresh_at=refresh_at)
    if filled.side is Side.BUY:
        state = replace(state, filled_buys_balance=state.filled_buys_balance + 1)
    else:
        state = replace(state, filled_sells_balance=state.filled_sells_balance + 1)
    if params.hanging_orders_enabled:
        partners = {
            order.id
            for order in open_orders
            if order.side is not filled.side and order.level == filled.level
        }
        state = replace(state, hanging_order_ids=state.hanging_order_ids | partners)
    return state


def _inventory(
    balances: Balances | None, open_orders: list[OpenOrder], hanging_ids: frozenset[str]
) -> _Inventory | None:
    if balances is None:
        return None

    def locked(orders: list[OpenOrder]) -> tuple[Decimal, Decimal]:
        base = sum((o.amount for o in orders if o.side is Side.SELL), ZERO)
        quote = sum((o.amount * o.price for o in orders if o.side is Side.BUY), ZERO)
        return base, quote

    base_all, quote_all = locked(open_orders)
    base_replaceable, quote_replaceable = locked(
        [order for order in open_orders if order.id not in hanging_ids]
    )
    return _Inventory(
        base_total=balances.base + base_all,
        quote_total=balances.quote + quote_all,
        base_budget=balances.base + base_replaceable,
        quote_budget=balances.quote + quote_replaceable,
    )


def _reanchor_band(
    state: StrategyState, params: StrategyParams, price: Decimal, now: datetime
) -> StrategyState:
    period = timedelta(seconds=params.moving_price_band_refresh_time)
    if state.band_anchored_at is None or now >= state.band_anchored_at + period:
        return replace(state, band_anchor_price=price, band_anchored_at=now)
    return state


def _propose(
    snapshot: MarketSnapshot,
    params: StrategyParams,
    inventory: _Inventory | None,
    state: StrategyState,
    price: Decimal,
) -> tuple[list[_Candidate], list[Dropped], AdaptiveFigures | None]:
    dropped: list[Dropped] = []

    def drop(candidates: list[_Candidate], reason: DropReason) -> None:
        dropped.extend(Dropped(c.side, c.level, reason) for c in candidates)

    adaptive = _adaptive_figures(snapshot, params, inventory, state, price)
    buys, sells = _level_candidates(snapshot, params, price, adaptive, drop)

    if params.price_ceiling is not None and price >= params.price_ceiling:
        drop(buys, DropReason.PRICE_CEILING)
        buys = []
    if params.price_floor is not None and price <= params.price_floor:
        drop(sells, DropReason.PRICE_FLOOR)
        sells = []
    if params.moving_price_band_enabled and state.band_anchor_price is not None:
        anchor = state.band_anchor_price
        if price >= anchor * (ONE + params.moving_price_band_ceiling_pct):
            drop(buys, DropReason.MOVING_BAND_CEILING)
            buys = []
        if price <= anchor * (ONE - params.moving_price_band_floor_pct):
            drop(sells, DropReason.MOVING_BAND_FLOOR)
            sells = []
    if params.ping_pong_enabled:
        drop(buys[: state.filled_buys_balance], DropReason.PING_PONG)
        drop(sells[: state.filled_sells_balance], DropReason.PING_PONG)
        buys, sells = buys[state.filled_buys_balance :], sells[state.filled_sells_balance :]

    buy_ratio, sell_ratio = _size_ratios(params, inventory, price, adaptive)
    for candidates, ratio in ((buys, buy_ratio), (sells, sell_ratio)):
        if ratio != ONE:
            for candidate in candidates:
                candidate.amount = quantize_amount(
                    candidate.amount * ratio, step_size=snapshot.step_size
                )
    drop([c for c in buys + sells if c.amount <= 0], DropReason.INVENTORY_SKEW)
    buys = [c for c in buys if c.amount > 0]
    sells = [c for c in sells if c.amount > 0]

    if inventory is not None:
        buys = _fit_budget(buys, inventory.quote_budget, snapshot, drop, in_quote=True)
        sells = _fit_budget(sells, inventory.base_budget, snapshot, drop, in_quote=False)

    candidates = []
    for candidate in buys + sells:
        if candidate.amount < snapshot.min_amount:
            drop([candidate], DropReason.BELOW_MIN_AMOUNT)
        elif candidate.amount * candidate.price < snapshot.min_notional:
            drop([candidate], DropReason.BELOW_MIN_NOTIONAL)
        elif not params.take_if_crossed and _would_take(candidate, snapshot):
            drop([candidate], DropReason.WOULD_TAKE)
        else:
            candidates.append(candidate)
    return candidates, dropped, adaptive


def _adaptive_figures(
    snapshot: MarketSnapshot,
    params: StrategyParams,
    inventory: _Inventory | None,
    state: StrategyState,
    price: Decimal,
) -> AdaptiveFigures | None:
    if not params.adaptive_spreads_enabled:
        return None
    volatility, source = ZERO, "realized"
    if len(state.volatility_samples) >= params.volatility_window:
        volatility = avellaneda.relative_volatility(state.volatility_samples)
    if volatility == 0:
        # Until the window is full (or while the price stands still) half the relative book
        # spread stands in, as Hummingbot does at start.
        source = "book_spread"
        bid, ask = snapshot.book.best_bid, snapshot.book.best_ask
        volatility = (ask - bid) / (2 * price) if bid is not None and ask is not None else ZERO
    q = ZERO
    if inventory is not None:
        q = avellaneda.inventory_deviation(
            base=inventory.base_total,
            quote=inventory.quote_total,
            price=price,
            target_base_pct=params.inventory_target_base_pct,
        )
    reservation, spread = avellaneda.reservation_price_and_spread(
        price=price,
        inventory_deviation=q,
        volatility=volatility,
        risk_factor=params.risk_factor,
        order_book_depth_factor=params.order_book_depth_factor,
    )
    return AdaptiveFigures(
        volatility=volatility,
        volatility_source=source,
        inventory_deviation=q,
        reservation_price=reservation,
        optimal_spread=spread,
    )


def _level_candidates(
    snapshot: MarketSnapshot,
    params: StrategyParams,
    price: Decimal,
    adaptive: AdaptiveFigures | None,
    drop: Drop,
) -> tuple[list[_Candidate], list[_Candidate]]:
    """Level i: price ± (spread + i × level spread), size amount + i × level amount."""
    if adaptive is None:
        first_bid = price * (ONE - params.bid_spread)
        first_ask = price * (ONE + params.ask_spread)
    else:
        # The side spreads are the closest the adaptive quotes may come to the price.
        half = adaptive.optimal_spread / 2
        first_bid = min(adaptive.reservation_price - half, price * (ONE - params.bid_spread))
        first_ask = max(adaptive.reservation_price + half, price * (ONE + params.ask_spread))
    sides: dict[Side, list[_Candidate]] = {Side.BUY: [], Side.SELL: []}
    for level in range(params.order_levels):
        step = price * level * params.order_level_spread
        amount = quantize_amount(
            params.order_amount + level * params.order_level_amount, step_size=snapshot.step_size
        )
        for side, raw_price in ((Side.BUY, first_bid - step), (Side.SELL, first_ask + step)):
            quoted = quantize_price(raw_price, side=side, tick_size=snapshot.tick_size)
            candidate = _Candidate(side, level, quoted, amount)
            if quoted <= 0:
                drop([candidate], DropReason.NON_POSITIVE_PRICE)
            elif amount <= 0:
                drop([candidate], DropReason.SIZE_BELOW_STEP)
            else:
                sides[side].append(candidate)
    return sides[Side.BUY], sides[Side.SELL]


def _size_ratios(
    params: StrategyParams,
    inventory: _Inventory | None,
    price: Decimal,
    adaptive: AdaptiveFigures | None,
) -> tuple[Decimal, Decimal]:
    if inventory is None:
        return ONE, ONE
    if adaptive is not None:
        return avellaneda.size_multipliers(
            inventory_deviation=adaptive.inventory_deviation,
            shape_factor=params.order_amount_shape_factor,
        )
    if params.inventory_skew_enabled:
        total = total_order_size(
            order_amount=params.order_amount,
            order_level_amount=params.order_level_amount,
            levels=params.order_levels,
        )
        return skew_ratios(
            base=inventory.base_total,
            quote=inventory.quote_total,
            price=price,
            target_base_pct=params.inventory_target_base_pct,
            base_range=total * params.inventory_range_multiplier,
        )
    return ONE, ONE


def _fit_budget(
    candidates: list[_Candidate],
    budget: Decimal,
    snapshot: MarketSnapshot,
    drop: Drop,
    *,
    in_quote: bool,
) -> list[_Candidate]:
    """Levels in order take what they need; the first that does not fit gets the remainder."""
    fitted = []
    for candidate in candidates:
        cost = candidate.amount * candidate.price if in_quote else candidate.amount
        if budget <= 0:
            candidate.amount = ZERO
        elif budget < cost:
            affordable = budget / candidate.price if in_quote else budget
            candidate.amount = quantize_amount(affordable, step_size=snapshot.step_size)
            budget = ZERO
        else:
            budget -= cost
        if candidate.amount > 0:
            fitted.append(candidate)
        else:
            drop([candidate], DropReason.INSUFFICIENT_BALANCE)
    return fitted


def _would_take(candidate: _Candidate, snapshot: MarketSnapshot) -> bool:
    book = snapshot.book
    if candidate.side is Side.BUY:
        return book.best_ask is not None and candidate.price >= book.best_ask
    return book.best_bid is not None and candidate.price <= book.best_bid


def _within_tolerance(
    open_orders: list[OpenOrder], proposal: list[_Candidate], params: StrategyParams
) -> bool:
    """Same count per side and every sorted price moved by at most the tolerance."""
    if params.order_refresh_tolerance_pct < 0:
        return False
    for side in Side:
        current = sorted(o.price for o in open_orders if o.side is side)
        proposed = sorted(c.price for c in proposal if c.side is side)
        if len(current) != len(proposed):
            return False
        for old, new in zip(current, proposed, strict=True):
            if abs(new - old) / old > params.order_refresh_tolerance_pct:
                return False
    return True


def _distance(order: OpenOrder, price: Decimal) -> Decimal:
    """How far an order sits from the price on its own side (negative when it crossed it)."""
    if order.side is Side.BUY:
        return (price - order.price) / price
    return (order.price - price) / price


def _set_timers(state: StrategyState, params: StrategyParams, now: datetime) -> StrategyState:
    next_cycle = now + timedelta(seconds=params.order_refresh_time)
    create_at = state.create_at
    if create_at is None or create_at <= now:
        create_at = next_cycle
    refresh_at = state.refresh_at
    if refresh_at is None or refresh_at <= now:
        refresh_at = min(create_at, next_cycle)
    return replace(state, create_at=create_at, refresh_at=refresh_at)
