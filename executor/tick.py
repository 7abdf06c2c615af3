"""One tick of one market (docs/executor.md has the rules).

A tick of one market (exchange + pair), for every running order on it:
1. take the market's lease (one tick per market at a time);
2. catch up with the exchange per API key (in-doubt creates, open orders, trades,
   releases: reconcile.account_sync);
3. read the book once, and the balances of every order from the ledger in one query;
4. per order: the strategy's decision, then the risk controls on top of it;
5. cancel what must go; place the new quotes only for orders whose cancels all landed:
   tracked rows and ledger reservations are committed first, then the create calls;
6. write back only what changed (executor states in one batch).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import context
from core.errors import (
    AuthFailedError,
    ExternalServiceError,
    InDoubtError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)
from exchanges import gateway as venue
from exchanges.models import Exchange, TradingPair
from executor import risk, selectors
from executor.models import (
    LIVE_STATUSES,
    ExchangeOrderStatus,
    ExecutorState,
    GlobalKillSwitch,
    MarketTickSchedule,
    TrackedOrder,
    client_order_id_for,
)
from executor.reconcile import SyncResult, account_sync, pending_resolve, trades_sync
from executor.settlement import (
    LedgerAccounts,
    reservation_amount,
    reservation_post,
    reservation_release_if_done,
    tracked_apply_remote,
    tracked_save,
)
from ledger.errors import InsufficientBalance
from orders.models import MarketMakingOrder
from orders.services.lifecycle import order_event_record
from strategy import (
    Balances,
    Book,
    Decision,
    MarketSnapshot,
    OpenOrder,
    Quote,
    Side,
    StrategyParams,
    StrategyState,
    decide,
    state_after_fill,
    state_from_dict,
    state_to_dict,
    validate_params,
)

logger = logging.getLogger(__name__)

ST = ExchangeOrderStatus
ACTOR = "system:executor"
LEASE = timedelta(seconds=60)
GatewayFor = Callable[[int], Any]

# -- timings, for logs and benchmarks/tick.py ---------------------------------------------


@dataclass
class TickReport:
    pair_id: int
    orders: int = 0
    created: int = 0
    cancelled: int = 0
    fills: int = 0
    skipped: bool = False
    seconds: float = 0.0
    strategy_seconds: float = 0.0
    gateway_seconds: float = 0.0

    @property
    def database_seconds(self) -> float:
        """Everything that is neither strategy nor gateway: the ORM and the ledger."""
        return max(0.0, self.seconds - self.strategy_seconds - self.gateway_seconds)


class _TimedGateway:
    """Adds the time spent in gateway calls to the tick's report."""

    def __init__(self, inner: Any, report: TickReport) -> None:
        self._inner = inner
        self._report = report

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._report.gateway_seconds += time.perf_counter() - started

        return timed


@dataclass
class _Lease:
    won: bool
    next_tick_at: datetime | None = None  # set by the tick; written when the lease ends


@contextmanager
def market_lease(pair_id: int, now: datetime) -> Iterator[_Lease]:
    """Compare-and-swap lease on the market; `won` is False while another tick holds it."""

    def take() -> bool:
        return bool(
            MarketTickSchedule.objects.filter(
                pair_id=pair_id, leased_until__lte=timezone.now()
            ).update(leased_until=timezone.now() + LEASE)
        )

    won = take()
    if not won and not MarketTickSchedule.objects.filter(pair_id=pair_id).exists():
        MarketTickSchedule.objects.get_or_create(
            pair_id=pair_id, defaults={"next_tick_at": now, "leased_until": now}
        )
        won = take()
    lease = _Lease(won=won)
    try:
        yield lease
    finally:
        if won:
            done = {"leased_until": timezone.now()}
            if lease.next_tick_at is not None:
                done["next_tick_at"] = lease.next_tick_at
            MarketTickSchedule.objects.filter(pair_id=pair_id).update(**done)


# -- the tick ----------------------------------------------------------------------------


@dataclass
class _OrderTick:
    """One order's working set during a tick."""

    order: MarketMakingOrder
    state: ExecutorState
    params: StrategyParams
    strategy_state: StrategyState
    tracked: list[TrackedOrder] = field(default_factory=list)
    balances: Balances | None = None
    decision: Decision | None = None
    cancel_ids: set[str] = field(default_factory=set)
    creates: list[Quote] = field(default_factory=list)
    state_dirty: bool = False
    cold_before: tuple = ()

    def __post_init__(self) -> None:
        self.cold_before = tuple(getattr(self.state, name) for name in _COLD_FIELDS)

    def event(self, kind: str, reason: str, **data: object) -> None:
        order_event_record(
            order=self.order,
            kind=kind,
            actor=ACTOR,
            reason=reason,
            data={k: _json(v) for k, v in data.items()},
        )


def tick_run(
    *, pair_id: int, now: datetime, gateway_for: GatewayFor, report: TickReport
) -> datetime:
    """The tick itself; returns when the market is next due."""
    limits = risk.risk_limits()
    orders = selectors.running_orders_of_market(pair_id=pair_id)
    if not orders:
        return now + timedelta(seconds=settings.EXECUTOR_MAX_TICK_INTERVAL_SECONDS)
    pair = orders[0].pair
    ticks = {str(o.pk): _order_tick(o) for o in orders}
    report.orders = len(ticks)
    for tracked in selectors.unreleased_tracked_orders(order_ids=list(ticks)):
        ticks[str(tracked.order_id)].tracked.append(tracked)
    by_key: dict[int, list[_OrderTick]] = defaultdict(list)
    for tick in ticks.values():
        by_key[tick.order.api_key_id].append(tick)

    gateways = {key: _TimedGateway(gateway_for(key), report) for key in by_key}
    trace_id = context.current_trace_id() or context.new_trace_id()
    accounts = LedgerAccounts(order_ids=list(ticks), pair=pair)
    synced_keys = set()
    for key, group in by_key.items():
        try:
            sync = account_sync(
                gateway=gateways[key],
                pair=pair,
                api_key_id=key,
                tracked=[t for tick in group for t in tick.tracked],
                now=now,
                in_doubt_timeout=timedelta(seconds=limits.in_doubt_timeout_seconds),
                accounts=accounts,
                trace_id=trace_id,
            )
        except ExternalServiceError as error:
            # Without an up-to-date view of this key's orders, nothing is placed for it.
            logger.warning("sync failed", extra={"api_key_id": key, "error": str(error)})
            continue
        synced_keys.add(key)
        _after_sync(group, sync, now=now, report=report)

    book = _book_read(gateways, pair)
    reference_books = _reference_books(ticks.values(), gateway_for, report)
    market = _market_rules(gateways, pair)
    balances = selectors.free_balances(order_ids=list(ticks), pair=pair)
    switch = GlobalKillSwitch.objects.filter(engaged=True).exists()

    for tick in ticks.values():
        tick.balances = balances.get(str(tick.order.pk), Balances(Decimal(0), Decimal(0)))
        _decide_and_check(
            tick,
            book=book,
            market=market,
            reference_books=reference_books,
            now=now,
            limits=limits,
            global_switch=switch,
            can_place=tick.order.api_key_id in synced_keys,
            report=report,
        )

    for key, group in by_key.items():
        if key in synced_keys:
            _execute(
                group,
                gateway=gateways[key],
                pair=pair,
                now=now,
                limits=limits,
                accounts=accounts,
                trace_id=trace_id,
                report=report,
            )

    _persist_states(list(ticks.values()), now=now)
    interval = min(
        [settings.EXECUTOR_MAX_TICK_INTERVAL_SECONDS]
        + [t.params.order_refresh_time for t in ticks.values()]
    )
    return now + timedelta(seconds=interval)


def _order_tick(order: MarketMakingOrder) -> _OrderTick:
    state = order.executor_state
    return _OrderTick(
        order=order,
        state=state,
        params=_params(order.config_hash, order.frozen_config),
        strategy_state=state_from_dict(state.strategy_state),
    )


_params_cache: dict[str, StrategyParams] = {}


def _params(config_hash: str, config: dict) -> StrategyParams:
    """Frozen configs never change under their hash, so they are parsed once per process."""
    params = _params_cache.get(config_hash)
    if params is None:
        params = _params_cache[config_hash] = validate_params(config)
    return params


def _after_sync(
    group: list[_OrderTick], sync: SyncResult, *, now: datetime, report: TickReport
) -> None:
    report.fills += len(sync.settled)
    by_order = {str(t.order.pk): t for t in group}
    for filled in sync.filled:
        tick = by_order[str(filled.order_id)]
        tick.strategy_state = state_after_fill(
            tick.strategy_state,
            params=tick.params,
            filled=_open_order(filled),
            open_orders=[_open_order(t) for t in tick.tracked if t.status in LIVE_STATUSES],
            at=now,
        )
        tick.state_dirty = True
    for given_up in sync.given_up:
        by_order[str(given_up.order_id)].event(
            "create_given_up",
            "no answer to the create and its client id is unknown to the exchange",
            client_order_id=given_up.client_order_id,
        )


def _open_order(tracked: TrackedOrder) -> OpenOrder:
    return OpenOrder(
        id=tracked.client_order_id,
        side=Side(tracked.side),
        price=tracked.price,
        amount=tracked.remaining,
        created_at=tracked.created_at,
        level=tracked.level,
    )


def _market_rules(gateways: dict[int, Any], pair: TradingPair) -> venue.MarketInfo | None:
    for gateway in gateways.values():
        try:
            return gateway.market(pair.symbol)
        except ExternalServiceError as error:
            logger.warning("market rules unreadable", extra={"error": str(error)})
    return None


def _book_read(gateways: dict[int, Any], pair: TradingPair) -> Book | None:
    """The market's book through the first key that can read it; None unless two-sided."""
    for gateway in gateways.values():
        try:
            return _two_sided(gateway.order_book(symbol=pair.symbol))
        except ExternalServiceError as error:
            logger.warning("order book read failed", extra={"error": str(error)})
    return None


def _two_sided(raw: venue.OrderBook) -> Book | None:
    if not raw.bids or not raw.asks:
        return None
    return Book(
        bids=tuple((level.price, level.amount) for level in raw.bids),
        asks=tuple((level.price, level.amount) for level in raw.asks),
    )


def _reference_books(
    ticks: Iterable[_OrderTick], gateway_for: GatewayFor, report: TickReport
) -> dict[tuple[str, str], Book | None]:
    """The books of the reference markets the orders follow, read once each."""
    books: dict[tuple[str, str], Book | None] = {}
    for tick in ticks:
        reference = tick.params.reference_market
        if reference is None or (reference.exchange, reference.symbol) in books:
            continue
        books[(reference.exchange, reference.symbol)] = None
        key = (
            Exchange.objects.filter(name=reference.exchange, enabled=True)
            .values_list("api_keys__id", flat=True)
            .first()
        )
        if key is None:
            continue
        try:
            raw = _TimedGateway(gateway_for(key), report).order_book(symbol=reference.symbol)
        except ExternalServiceError:
            continue
        books[(reference.exchange, reference.symbol)] = _two_sided(raw)
    return books


def _decide_and_check(
    tick: _OrderTick,
    *,
    book: Book | None,
    market: venue.MarketInfo | None,
    reference_books: dict[tuple[str, str], Book | None],
    now: datetime,
    limits: risk.RiskLimits,
    global_switch: bool,
    can_place: bool,
    report: TickReport,
) -> None:
    """The strategy's decision with the risk controls applied on top."""
    state = tick.state
    live = [t for t in tick.tracked if t.status in LIVE_STATUSES]
    cancel_everything = {t.client_order_id for t in live if t.status != ST.PENDING_CREATE}

    if global_switch:
        tick.cancel_ids = cancel_everything
        return
    if state.kill_switch_tripped:
        tick.cancel_ids = cancel_everything
        return
    if book is None or market is None:
        last = state.last_tick_at
        if not state.market_data_stale and (
            last is None or now - last >= timedelta(seconds=limits.stale_market_data_seconds)
        ):
            state.market_data_stale = True
            tick.state_dirty = True
            tick.event(
                "risk_stale_market_data",
                "no two-sided order book; cancel-only until it is back",
                last_good_tick_at=last,
                limit_seconds=limits.stale_market_data_seconds,
            )
        if state.market_data_stale:
            tick.cancel_ids = cancel_everything
        return
    if state.market_data_stale:
        state.market_data_stale = False
        tick.state_dirty = True
        tick.event("risk_market_data_back", "the order book is readable again")

    reference = tick.params.reference_market
    snapshot = MarketSnapshot(
        book=book,
        tick_size=market.tick_size,
        step_size=market.step_size,
        min_notional=market.min_notional,
        min_amount=market.min_qty,
        reference_book=reference_books.get((reference.exchange, reference.symbol))
        if reference
        else None,
    )
    started = time.perf_counter()
    decision = decide(
        snapshot=snapshot,
        params=tick.params,
        balances=tick.balances,
        open_orders=[_open_order(t) for t in live],
        now=now,
        state=tick.strategy_state,
    )
    report.strategy_seconds += time.perf_counter() - started
    tick.decision = decision
    if decision.state != tick.strategy_state:
        tick.strategy_state = decision.state
        tick.state_dirty = True
    # A create still in doubt can be neither cancelled nor followed by new quotes until
    # the next sync finds out whether it rests on the book.
    in_doubt = {t.client_order_id for t in live if t.status == ST.PENDING_CREATE}
    tick.cancel_ids = {c.order_id for c in decision.cancel} - in_doubt
    creates = [] if in_doubt else list(decision.create)
    price = decision.reference_price

    previous_price = state.last_reference_price
    jump = risk.price_jump(previous=previous_price, current=price)
    if price is not None and state.last_reference_price != price:
        state.last_reference_price = price
        tick.state_dirty = True

    drawdown = risk.drawdown(peak=decision.state.peak_equity, equity=decision.equity)
    if drawdown is not None and drawdown >= limits.max_drawdown_pct:
        _kill_switch_trip(
            tick,
            reason=(
                f"equity fell {drawdown:.2%} from its peak (limit {limits.max_drawdown_pct:.2%})"
            ),
            kind="kill_switch_drawdown",
            peak_equity=decision.state.peak_equity,
            equity=decision.equity,
            drawdown=drawdown,
            limit=limits.max_drawdown_pct,
        )
        tick.cancel_ids = cancel_everything
        return
    if decision.state.peak_equity != state.peak_equity:
        state.peak_equity = decision.state.peak_equity
        tick.state_dirty = True

    if jump is not None and jump > limits.max_price_jump_pct:
        tick.event(
            "risk_price_jump",
            "the reference price jumped since the last tick; no quotes this tick",
            previous=previous_price,
            current=price,
            jump=jump,
            limit=limits.max_price_jump_pct,
        )
        tick.cancel_ids = cancel_everything
        return
    if reference is not None:
        own = book.best_bid + (book.best_ask - book.best_bid) / 2
        deviation = risk.reference_deviation(own_mid=own, reference=price)
        if deviation is not None and deviation > limits.max_reference_deviation_pct:
            tick.event(
                "risk_reference_deviation",
                "our market is too far from the reference market; no quotes",
                own_mid=own,
                reference_price=price,
                deviation=deviation,
                limit=limits.max_reference_deviation_pct,
            )
            tick.cancel_ids = cancel_everything
            return
    if not creates:
        return
    if not can_place:
        tick.creates = []
        return

    creates = _hold_halted_sides(tick, creates, now)
    creates = _hold_exposure(tick, creates, price, limits)
    creates = _hold_beyond_max_open(tick, creates, live, limits)
    tick.creates = creates


def _hold_halted_sides(tick: _OrderTick, creates: list[Quote], now: datetime) -> list[Quote]:
    halted = {
        side
        for side, until in tick.state.halted_sides.items()
        if datetime.fromisoformat(until) > now
    }
    if len(halted) != len(tick.state.halted_sides):
        tick.state.halted_sides = {s: u for s, u in tick.state.halted_sides.items() if s in halted}
        tick.state_dirty = True
    return [q for q in creates if q.side.value not in halted]


def _hold_exposure(
    tick: _OrderTick, creates: list[Quote], price: Decimal | None, limits: risk.RiskLimits
) -> list[Quote]:
    if price is None or tick.balances is None:
        return creates
    live = [t for t in tick.tracked if t.status in LIVE_STATUSES]
    base_locked = sum((t.remaining for t in live if t.side == "sell"), Decimal(0))
    quote_locked = sum((t.remaining * t.price for t in live if t.side == "buy"), Decimal(0))
    exposure = risk.inventory_exposure(
        base_total=tick.balances.base + base_locked,
        quote_total=tick.balances.quote + quote_locked,
        price=price,
        target_base_pct=tick.params.inventory_target_base_pct,
    )
    if exposure is None or exposure.pct <= limits.max_inventory_exposure_pct:
        return creates
    side = exposure.side_to_hold
    held = [q for q in creates if q.side is side]
    if held:
        tick.event(
            "risk_inventory_exposure",
            f"inventory is too far from its target; no {side.value} quotes",
            base_value=exposure.base_value,
            target_value=exposure.target_value,
            equity=exposure.equity,
            exposure=exposure.pct,
            limit=limits.max_inventory_exposure_pct,
            side=side.value,
        )
    return [q for q in creates if q.side is not side]


def _hold_beyond_max_open(
    tick: _OrderTick, creates: list[Quote], live: list[TrackedOrder], limits: risk.RiskLimits
) -> list[Quote]:
    staying = len([t for t in live if t.client_order_id not in tick.cancel_ids])
    room = max(0, limits.max_open_orders - staying)
    if len(creates) <= room:
        return creates
    # The closest levels matter most: keep them, hold the far ones.
    kept = sorted(creates, key=lambda q: q.level)[:room]
    tick.event(
        "risk_max_open_orders",
        "more quotes than the order may hold; the farthest levels are held back",
        open_orders=staying,
        proposed=len(creates),
        limit=limits.max_open_orders,
    )
    return kept


def _kill_switch_trip(tick: _OrderTick, *, reason: str, kind: str, **figures: object) -> None:
    tick.state.kill_switch_tripped = True
    tick.state.kill_switch_reason = reason
    tick.state_dirty = True
    tick.event(kind, reason, **figures)


def _execute(
    group: list[_OrderTick],
    *,
    gateway: Any,
    pair: TradingPair,
    now: datetime,
    limits: risk.RiskLimits,
    accounts: LedgerAccounts,
    trace_id: str,
    report: TickReport,
) -> None:
    """Cancels first; then new quotes for the orders whose cancels all landed."""
    key_tracked = [t for tick in group for t in tick.tracked]
    blocked: set[str] = set()
    cancelled_any = False
    for tick in group:
        for tracked in tick.tracked:
            if (
                tracked.client_order_id not in tick.cancel_ids
                or tracked.status not in LIVE_STATUSES
            ):
                continue
            if not tracked_cancel(gateway=gateway, pair=pair, tracked=tracked, now=now):
                blocked.add(str(tick.order.pk))
            cancelled_any = True
            report.cancelled += 1
    if cancelled_any:
        result = SyncResult()
        try:
            trades_sync(
                gateway=gateway,
                pair=pair,
                api_key_id=group[0].order.api_key_id,
                tracked=key_tracked,
                accounts=accounts,
                trace_id=trace_id,
                result=result,
            )
        except ExternalServiceError as error:
            logger.warning("trade sync after cancels failed", extra={"error": str(error)})
        report.fills += len(result.settled)

    resting = [
        risk.RestingQuote(Side(t.side), t.price) for t in key_tracked if t.status in LIVE_STATUSES
    ]
    planned: list[tuple[_OrderTick, Quote]] = []
    for tick in group:
        if str(tick.order.pk) in blocked or not tick.creates:
            continue
        for quote in tick.creates:
            other = risk.would_self_trade(quote, resting)
            if other is not None:
                tick.event(
                    "risk_self_trade_prevented",
                    "the quote would trade against another quote on the same API key",
                    side=quote.side.value,
                    price=quote.price,
                    other_side=other.side.value,
                    other_price=other.price,
                )
                continue
            resting.append(risk.RestingQuote(quote.side, quote.price))
            planned.append((tick, quote))
    if not planned:
        return
    placed = _reserve(planned, pair=pair, now=now, accounts=accounts, trace_id=trace_id)
    accepted: list[TrackedOrder] = []
    for tick, tracked in placed:
        if tick.state.kill_switch_tripped:
            # Tripped by an earlier create of this tick: the rest is never sent.
            _failed(
                tracked,
                "not sent: the kill switch tripped",
                pair=pair,
                now=now,
                accounts=accounts,
                trace_id=trace_id,
            )
            continue
        report.created += 1
        if _place(
            tick,
            tracked,
            gateway=gateway,
            pair=pair,
            now=now,
            limits=limits,
            accounts=accounts,
            trace_id=trace_id,
        ):
            accepted.append(tracked)
    # Saved together, one commit: a crash before it leaves them pending_create, which the
    # next tick resolves by client id.
    with transaction.atomic():
        for tracked in accepted:
            tracked_save(tracked)


@transaction.atomic
def _reserve(
    planned: list[tuple[_OrderTick, Quote]],
    *,
    pair: TradingPair,
    now: datetime,
    accounts: LedgerAccounts,
    trace_id: str,
) -> list[tuple[_OrderTick, TrackedOrder]]:
    """Persist the tracked rows and lock their reservations, committed before any call."""
    placed = []
    for tick, quote in planned:
        state = tick.state
        sequence = state.next_sequence
        state.next_sequence += 1
        tick.state_dirty = True
        client_id = client_order_id_for(order_id=tick.order.pk, sequence=sequence)
        reserved = reservation_amount(side=quote.side.value, price=quote.price, amount=quote.amount)
        try:
            with transaction.atomic():
                tracked = TrackedOrder.objects.create(
                    order=tick.order,
                    api_key_id=tick.order.api_key_id,
                    symbol=pair.symbol,
                    sequence=sequence,
                    client_order_id=client_id,
                    side=quote.side.value,
                    level=quote.level,
                    price=quote.price,
                    amount=quote.amount,
                    reserved_amount=reserved,
                    trace_id=trace_id,
                    created_at=now,
                    updated_at=now,
                )
                reservation_post(
                    accounts=accounts,
                    lock=True,
                    order_id=tick.order.pk,
                    asset=pair.quote_asset_id if quote.side is Side.BUY else pair.base_asset_id,
                    amount=reserved,
                    idempotency_key=f"{tick.order.pk}:lock:{client_id}",
                    ref=f"client-order:{client_id}",
                    trace_id=trace_id,
                )
        except InsufficientBalance as error:
            tick.event(
                "quote_unfunded",
                "the ledger holds too little for this quote; not placed",
                side=quote.side.value,
                price=quote.price,
                amount=quote.amount,
                detail=str(error),
            )
            continue
        tick.tracked.append(tracked)
        placed.append((tick, tracked))
    # The sequence moves in the same transaction as the rows that used it.
    _rows_update(list({id(tick): tick for tick, _ in planned}.values()), ("next_sequence",))
    return placed


def _place(
    tick: _OrderTick,
    tracked: TrackedOrder,
    *,
    gateway: Any,
    pair: TradingPair,
    now: datetime,
    limits: risk.RiskLimits,
    accounts: LedgerAccounts,
    trace_id: str,
) -> bool:
    """Send one create; True when the exchange took it (the caller saves the row)."""
    try:
        remote = gateway.create_limit_order(
            symbol=pair.symbol,
            side=tracked.side,
            amount=tracked.amount,
            price=tracked.price,
            client_order_id=tracked.client_order_id,
            post_only=not tick.params.take_if_crossed,
        )
    except InDoubtError:
        # No answer: it may rest on the book. Look it up by client id before anything else.
        try:
            pending_resolve(
                gateway=gateway,
                pair=pair,
                tracked=tracked,
                now=now,
                in_doubt_timeout=timedelta(seconds=limits.in_doubt_timeout_seconds),
                result=SyncResult(),
            )
        except ExternalServiceError:
            pass  # still in doubt; the next tick looks again before quoting
        return False
    except RejectedError as error:
        _create_refused(
            tick,
            tracked,
            error,
            pair=pair,
            now=now,
            limits=limits,
            accounts=accounts,
            trace_id=trace_id,
        )
        return False
    except AuthFailedError as error:
        _failed(tracked, error, pair=pair, now=now, accounts=accounts, trace_id=trace_id)
        _kill_switch_trip(
            tick, reason=f"the exchange refused the API key: {error}", kind="kill_switch_auth"
        )
        return False
    except RetryableError as error:
        # Refused before it was carried out (rate limit, maintenance): nothing rests.
        _failed(tracked, error, pair=pair, now=now, accounts=accounts, trace_id=trace_id)
        return False
    if tick.state.consecutive_rejects:
        tick.state.consecutive_rejects = 0
        tick.state_dirty = True
    tracked_apply_remote(tracked, remote, now=now)
    return True


def _failed(
    tracked: TrackedOrder,
    error: Exception | str,
    *,
    pair: TradingPair,
    now: datetime,
    accounts: LedgerAccounts,
    trace_id: str,
) -> None:
    tracked.status = ST.FAILED
    tracked.last_error = str(error)[:500]
    tracked.updated_at = now
    tracked_save(tracked)
    reservation_release_if_done(pair=pair, tracked=tracked, accounts=accounts, trace_id=trace_id)


def _create_refused(
    tick: _OrderTick,
    tracked: TrackedOrder,
    error: RejectedError,
    *,
    pair: TradingPair,
    now: datetime,
    limits: risk.RiskLimits,
    accounts: LedgerAccounts,
    trace_id: str,
) -> None:
    _failed(tracked, error, pair=pair, now=now, accounts=accounts, trace_id=trace_id)
    reason = (error.detail or {}).get("reason", "rejected")
    if reason == "insufficient_funds":
        until = now + timedelta(seconds=limits.insufficient_balance_pause_seconds)
        tick.state.halted_sides = {**tick.state.halted_sides, tracked.side: until.isoformat()}
        tick.state_dirty = True
        tick.event(
            "risk_insufficient_balance",
            f"the exchange lacks the funds for a {tracked.side}; that side rests",
            side=tracked.side,
            price=tracked.price,
            amount=tracked.amount,
            paused_until=until,
        )
        return
    tick.state.consecutive_rejects += 1
    tick.state_dirty = True
    tick.event(
        "quote_rejected",
        f"the exchange refused a quote: {reason}",
        side=tracked.side,
        price=tracked.price,
        amount=tracked.amount,
        consecutive_rejects=tick.state.consecutive_rejects,
    )
    if tick.state.consecutive_rejects >= limits.max_consecutive_rejects:
        _kill_switch_trip(
            tick,
            reason=f"{tick.state.consecutive_rejects} quotes refused in a row",
            kind="kill_switch_rejects",
            consecutive_rejects=tick.state.consecutive_rejects,
            limit=limits.max_consecutive_rejects,
        )


def tracked_cancel(
    *, gateway: Any, pair: TradingPair, tracked: TrackedOrder, now: datetime
) -> bool:
    """Cancel one resting order; True once the exchange says it is no longer open.

    The row is saved once, after the call: a cancel needs no key persisted first (asking
    twice is harmless), and the next sync reads how the order ended anyway."""
    if tracked.status != ST.PENDING_CANCEL:
        tracked.status = ST.PENDING_CANCEL
        tracked.updated_at = now
    reference = {
        "exchange_order_id": tracked.exchange_order_id or None,
        "client_order_id": None if tracked.exchange_order_id else tracked.client_order_id,
    }
    try:
        remote = gateway.cancel_order(symbol=pair.symbol, **reference)
    except RemoteNotFoundError:
        # Not cancellable: it filled or ended already. Ask how.
        try:
            remote = gateway.fetch_order(symbol=pair.symbol, **reference)
        except ExternalServiceError:
            return False
    except ExternalServiceError as error:
        tracked.last_error = str(error)[:500]
        tracked_save(tracked)
        return False
    tracked_apply_remote(tracked, remote, now=now)
    if remote.is_open:
        tracked.status = ST.PENDING_CANCEL
    tracked_save(tracked)
    return not remote.is_open


# Written on most ticks (timers, reference price, peak); one statement per row, sent as a
# batch. Django's bulk_update builds a CASE per field and row, which cost more than the
# whole rest of a tick.
_HOT_FIELDS = ("strategy_state", "last_reference_price", "peak_equity", "last_tick_at")
# Changed only when a risk control or a placement acts.
_COLD_FIELDS = (
    "consecutive_rejects",
    "kill_switch_tripped",
    "kill_switch_reason",
    "halted_sides",
    "market_data_stale",
    "next_sequence",
)


@transaction.atomic
def _persist_states(ticks: list[_OrderTick], *, now: datetime) -> None:
    """Write back what the tick changed. last_tick_at is the last tick that had market data
    to decide on (stale data is measured from it)."""
    dirty = [t for t in ticks if t.state_dirty]
    decided = {t.order.pk for t in ticks if t.decision is not None}
    for tick in dirty:
        tick.state.strategy_state = state_to_dict(tick.strategy_state)
        if tick.order.pk in decided:
            tick.state.last_tick_at = now
    if dirty:
        _rows_update(dirty, _HOT_FIELDS)
        _rows_update([t for t in dirty if _cold_changed(t)], _COLD_FIELDS)
    quiet = decided - {t.order.pk for t in dirty}
    if quiet:
        ExecutorState.objects.filter(order_id__in=quiet).update(last_tick_at=now)


def _rows_update(ticks: list[_OrderTick], names: tuple[str, ...]) -> None:
    if not ticks:
        return
    meta = ExecutorState._meta
    columns = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(f"{quote(c.column)} = %s" for c in columns),
        quote(meta.pk.column),
    )
    rows = [
        [c.get_db_prep_save(getattr(t.state, c.attname), connection) for c in columns]
        + [meta.pk.get_db_prep_value(t.state.pk, connection)]
        for t in ticks
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _cold_changed(tick: _OrderTick) -> bool:
    return tick.cold_before != tuple(getattr(tick.state, name) for name in _COLD_FIELDS)


def _json(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return value
