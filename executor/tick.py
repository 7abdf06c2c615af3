"""One tick of one market (docs/executor.md has the rules): orchestration only.

For every quoting order on the market (exchange + pair), under the market's lease
(executor.schedule, taken by the caller):
1. catch up with the exchange per API key (in-doubt creates, open orders, trades,
   releases: exchange_sync.account_sync);
2. read the book once (market_data), and the balances of every order in one query;
3. per order: the risk gates before the strategy, the strategy's decision, the gates
   after it (executor.gates), applied to the order's working set (order_tick);
4. cancel what must go, then place the new quotes (placement) for the orders whose
   cancels all landed;
5. write back the events and what changed of the states (state_store).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from core import context
from core.batch_sql import Statement
from core.errors import ExternalServiceError
from exchanges import gateway as venue
from executor import risk, selectors
from executor.exchange_sync import SyncResult, account_sync
from executor.gates import Verdict, gate_after_decision, gate_before_decision
from executor.market_data import (
    GatewayFor,
    ReferenceBooks,
    book_read,
    market_rules_read,
    reference_books_read,
)
from executor.models import CancelReason, ExchangeOrderStatus, ExecutorState, TrackedOrder
from executor.order_tick import OrderTick, open_order_of
from executor.placement import key_orders_execute
from executor.settlement import LedgerAccounts
from executor.state_store import tick_persist
from executor.timing import TickReport, timed_gateway
from executor.working_set import WorkingSet
from strategy import Book, MarketSnapshot, StrategyState, decide, state_after_fill

logger = logging.getLogger(__name__)

ST = ExchangeOrderStatus


@dataclass
class TickOutcome:
    next_tick_at: datetime
    # The tick's last writes, left for the lease's end to send: the creates' answers
    # (placement.key_orders_execute) and the states (state_store.tick_persist).
    writes: list[Statement]
    # The rows as the tick stored them, for the next tick (executor.working_set).
    states: list[ExecutorState]
    tracked: list[TrackedOrder]
    balance_accounts: dict[int, tuple[str, str]]
    # None when the market had no quoting orders: such a tick keeps nothing.
    ledger_accounts: LedgerAccounts | None
    strategy_states: dict[str, StrategyState]


def tick_run(
    *,
    pair_id: int,
    now: datetime,
    gateway_for: GatewayFor,
    report: TickReport,
    global_switch: bool,
    kept: WorkingSet | None,
) -> TickOutcome:
    """The tick itself, from the rows the last tick of this process kept when they are
    still the stored ones (`kept`), else from a read."""
    limits = risk.risk_limits()
    if kept is None:
        reads = selectors.market_tick_reads(pair_id=pair_id)
        states, tracked_rows, free = reads.states, reads.tracked, reads.balances
    else:
        states, tracked_rows = kept.states, kept.tracked
        free = _balances_read(states, kept.balance_accounts)
    if not states:
        idle = now + timedelta(seconds=settings.EXECUTOR_MAX_TICK_INTERVAL_SECONDS)
        return TickOutcome(
            next_tick_at=idle,
            writes=[],
            states=[],
            tracked=[],
            balance_accounts={},
            ledger_accounts=None,
            strategy_states={},
        )
    pair = states[0].pair
    parsed = kept.strategy_states if kept is not None else {}
    ticks = {
        str(state.order_id): OrderTick.of(state, parsed.get(str(state.order_id)))
        for state in states
    }
    report.orders = len(ticks)
    for tracked in tracked_rows:
        ticks[str(tracked.order_id)].tracked.append(tracked)
    by_key: dict[int, list[OrderTick]] = defaultdict(list)
    for tick in ticks.values():
        by_key[tick.state.api_key_id].append(tick)

    gateways = {key: timed_gateway(gateway_for(key), report) for key in by_key}
    trace_id = context.current_trace_id() or context.new_trace_id()
    # The market's tick has its own trace id (its logs); each order's rows and postings
    # carry the order's own.
    accounts = (
        kept.ledger_accounts
        if kept is not None
        else LedgerAccounts(
            pair=pair, traces={order_id: tick.state.trace_id for order_id, tick in ticks.items()}
        )
    )
    synced_keys = set()
    ledger_moved = False
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
        ledger_moved = ledger_moved or bool(sync.settled or sync.released)
        _after_sync(group, sync, now=now, report=report)

    book = book_read(gateways.values(), pair)
    reference_books = reference_books_read((t.params for t in ticks.values()), gateway_for, report)
    market = market_rules_read(gateways.values(), pair)
    # The reads came before the sync: when it settled fills or released reservations, the
    # free balances are read again, so the strategy quotes what the fills brought in.
    if ledger_moved:
        free = _balances_read(states, free.accounts)

    for tick in ticks.values():
        tick.balances = free.by_order[str(tick.order_id)]
        verdict = gate_before_decision(
            global_switch=global_switch,
            kill_switch_tripped=tick.state.kill_switch_tripped,
            market_data_readable=book is not None and market is not None,
            market_data_stale=tick.state.market_data_stale,
            last_tick_at=tick.state.last_tick_at,
            now=now,
            limits=limits,
        )
        _verdict_apply(tick, verdict)
        if verdict.proceed and book is not None and market is not None:
            _decide(
                tick,
                book=book,
                market=market,
                reference_books=reference_books,
                now=now,
                limits=limits,
                can_place=tick.state.api_key_id in synced_keys,
                report=report,
            )

    answers: list[Statement] = []
    for key, group in by_key.items():
        if key in synced_keys:
            answers += key_orders_execute(
                group,
                gateway=gateways[key],
                pair=pair,
                now=now,
                limits=limits,
                accounts=accounts,
                trace_id=trace_id,
                report=report,
            )

    writes = answers + tick_persist(list(ticks.values()), now=now, trace_id=trace_id)
    interval = min(
        [settings.EXECUTOR_MAX_TICK_INTERVAL_SECONDS]
        + [t.params.order_refresh_time for t in ticks.values()]
    )
    unreleased = [t for tick in ticks.values() for t in tick.tracked if not t.released]
    return TickOutcome(
        next_tick_at=now + timedelta(seconds=interval),
        writes=writes,
        states=states,
        tracked=unreleased,
        balance_accounts=free.accounts,
        ledger_accounts=accounts,
        strategy_states={order_id: tick.strategy_state for order_id, tick in ticks.items()},
    )


def _balances_read(
    states: list[ExecutorState], accounts: dict[int, tuple[str, str]]
) -> selectors.FreeBalances:
    """The free balances, by account id when every order's two accounts are known, else by
    owner (which also finds the accounts a tick opened since)."""
    order_ids = [state.order_id for state in states]
    if len(accounts) == 2 * len(order_ids):
        by_order = selectors.free_balances_of_accounts(order_ids=order_ids, accounts=accounts)
        return selectors.FreeBalances(by_order=by_order, accounts=accounts)
    return selectors.free_balances(order_ids=order_ids, pair=states[0].pair)


def _after_sync(
    group: list[OrderTick], sync: SyncResult, *, now: datetime, report: TickReport
) -> None:
    report.fills += len(sync.settled)
    by_order = {str(t.order_id): t for t in group}
    for filled in sync.filled:
        tick = by_order[str(filled.order_id)]
        tick.strategy_state = state_after_fill(
            tick.strategy_state,
            params=tick.params,
            filled=open_order_of(filled),
            open_orders=[open_order_of(t) for t in tick.live],
            at=now,
        )
        tick.state_dirty = True
    for given_up in sync.given_up:
        by_order[str(given_up.order_id)].event(
            "create_given_up",
            "no answer to the create and its client id is unknown to the exchange",
            client_order_id=given_up.client_order_id,
        )


def _decide(
    tick: OrderTick,
    *,
    book: Book,
    market: venue.MarketInfo,
    reference_books: ReferenceBooks,
    now: datetime,
    limits: risk.RiskLimits,
    can_place: bool,
    report: TickReport,
) -> None:
    """The strategy's decision, then the gates after it."""
    state = tick.state
    live = tick.live
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
        open_orders=[open_order_of(t) for t in live],
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

    previous_price = state.last_reference_price
    price = decision.reference_price
    if price is not None and previous_price != price:
        state.last_reference_price = price
        tick.state_dirty = True
    verdict = gate_after_decision(
        decision=decision,
        creates=[] if in_doubt else list(decision.create),
        previous_price=previous_price,
        own_mid=book.best_bid + (book.best_ask - book.best_bid) / 2,
        follows_reference=reference is not None,
        live=live,
        staying_open=len([t for t in live if t.client_order_id not in tick.cancel_ids]),
        balances=tick.balances,
        target_base_pct=tick.params.inventory_target_base_pct,
        halted_sides=state.halted_sides,
        can_place=can_place,
        now=now,
        limits=limits,
    )
    if verdict.trip is None and decision.state.peak_equity != state.peak_equity:
        state.peak_equity = decision.state.peak_equity
        tick.state_dirty = True
    _verdict_apply(tick, verdict)


def _verdict_apply(tick: OrderTick, verdict: Verdict) -> None:
    state = tick.state
    tick.events.extend(verdict.events)
    if verdict.cancel_all:
        tick.cancel_reason = CancelReason.RISK
        tick.cancel_ids = {t.client_order_id for t in tick.live if t.status != ST.PENDING_CREATE}
    tick.creates = list(verdict.creates)
    if verdict.trip is not None:
        tick.kill_switch_trip(verdict.trip)
    if verdict.market_data_stale is not None:
        state.market_data_stale = verdict.market_data_stale
        tick.state_dirty = True
    if verdict.halted_sides is not None:
        state.halted_sides = verdict.halted_sides
        tick.state_dirty = True
