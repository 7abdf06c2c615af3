"""Putting a tick's decisions on the exchange for one API key: cancels first, then the new
quotes of the orders whose cancels all landed.

A new quote's tracked row and its ledger reservation are committed before the create call,
under the deterministic client order id, so a crash or a lost answer is looked up by that
id instead of placing twice. Refusals say why: a side short of funds on the exchange rests
for a while, other rejects count towards the order's kill switch.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import connection, transaction

from core.batch_sql import Statement, update_statement
from core.errors import (
    AuthFailedError,
    ExternalServiceError,
    InDoubtError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)
from core.faults import crash_point
from core.transactions import atomic_unflushed
from exchanges.gateway import ExchangeGateway
from exchanges.models import TradingPair
from executor import risk
from executor.exchange_sync import SyncResult, pending_resolve, trades_sync
from executor.models import (
    LIVE_STATUSES,
    CancelReason,
    ExchangeOrderStatus,
    TrackedOrder,
    client_order_id_for,
)
from executor.order_tick import OrderTick
from executor.settlement import (
    TRACKED_SAVED_FIELDS,
    LedgerAccounts,
    releasable,
    reservation_amount,
    reservation_posting,
    reservations_release_done,
    tracked_apply_remote,
    tracked_save,
    tracked_save_many,
)
from executor.state_store import rows_insert, states_update
from executor.timing import TickReport
from ledger.errors import InsufficientBalance
from ledger.models import Transaction
from ledger.services import ledger_post_batch
from strategy import Quote, Side

logger = logging.getLogger(__name__)

ST = ExchangeOrderStatus


def key_orders_execute(
    group: list[OrderTick],
    *,
    gateway: ExchangeGateway,
    pair: TradingPair,
    now: datetime,
    limits: risk.RiskLimits,
    accounts: LedgerAccounts,
    trace_id: str,
    report: TickReport,
) -> list[Statement]:
    """Cancels first; then new quotes for the orders (of one API key) whose cancels all
    landed, none of them crossing another resting quote of the key. Returns the creates'
    answers when they are left for the lease's end to write (below)."""
    key_tracked = [t for tick in group for t in tick.tracked]
    sent, blocked = _cancels_send(group, gateway=gateway, pair=pair, now=now, report=report)
    if sent:
        result = SyncResult()
        try:
            trades_sync(
                gateway=gateway,
                pair=pair,
                api_key_id=group[0].state.api_key_id,
                tracked=key_tracked,
                accounts=accounts,
                trace_id=trace_id,
                result=result,
            )
        except ExternalServiceError as error:
            logger.warning("trade sync after cancels failed", extra={"error": str(error)})
        report.fills += len(result.settled)

    planned = _self_trades_hold(group, key_tracked, blocked)
    if not planned:
        return []
    placed = _reserve(planned, pair=pair, now=now, accounts=accounts)
    for tick, tracked in placed:
        if tick.state.kill_switch_tripped:
            # Tripped by an earlier create of this tick: the rest is never sent.
            _failed(tracked, "not sent: the kill switch tripped", now=now)
            continue
        report.created += 1
        _place(tick, tracked, gateway=gateway, pair=pair, now=now, limits=limits)
    # Saved together, one commit: a crash before it leaves them pending_create, which the
    # next tick resolves by client id. Refused creates give their reservation back. The
    # same holds for a crashing database, so the commit does not wait for the WAL flush;
    # the reservations and rows before the calls (_reserve) did. With nothing to give
    # back (every create taken), the answers wait for the lease's end and share its one
    # statement and commit (PostgreSQL): nothing between reads them from the database.
    rows = [tracked for _, tracked in placed]
    if connection.vendor == "postgresql" and not releasable(rows):
        return [update_statement(TrackedOrder, rows, TRACKED_SAVED_FIELDS)]
    with atomic_unflushed():
        tracked_save_many(rows)
        reservations_release_done(pair=pair, tracked=rows, accounts=accounts, trace_id=trace_id)
    return []


def _cancels_send(
    group: list[OrderTick],
    *,
    gateway: ExchangeGateway,
    pair: TradingPair,
    now: datetime,
    report: TickReport,
) -> tuple[bool, set[str]]:
    """Send the cancels; returns whether any was sent, and the orders with a cancel that
    did not land (they place nothing this tick)."""
    sent: list[TrackedOrder] = []
    blocked: set[str] = set()
    for tick in group:
        for tracked in tick.tracked:
            if (
                tracked.client_order_id not in tick.cancel_ids
                or tracked.status not in LIVE_STATUSES
            ):
                continue
            if not tracked_cancel(
                gateway=gateway,
                pair=pair,
                tracked=tracked,
                now=now,
                reason=tick.cancel_reason,
                save=False,
            ):
                blocked.add(str(tick.order_id))
            sent.append(tracked)
            report.cancelled += 1
    tracked_save_many(sent)
    return bool(sent), blocked


def _self_trades_hold(
    group: list[OrderTick], key_tracked: list[TrackedOrder], blocked: set[str]
) -> list[tuple[OrderTick, Quote]]:
    """The new quotes to place, without those that would trade against the key's own."""
    resting = [
        risk.RestingQuote(Side(t.side), t.price) for t in key_tracked if t.status in LIVE_STATUSES
    ]
    planned: list[tuple[OrderTick, Quote]] = []
    for tick in group:
        if str(tick.order_id) in blocked:
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
    return planned


@transaction.atomic  # waits for the WAL flush: the creates' client ids must be durable
def _reserve(
    planned: list[tuple[OrderTick, Quote]],
    *,
    pair: TradingPair,
    now: datetime,
    accounts: LedgerAccounts,
) -> list[tuple[OrderTick, TrackedOrder]]:
    """Persist the tracked rows and lock their reservations, committed before any call:
    one ledger batch for the reservations, one insert for the rows that got theirs."""
    drafts = []
    accounts.prepare(tick.order_id for tick, _ in planned)
    for tick, quote in planned:
        state = tick.state
        sequence = state.next_sequence
        state.next_sequence += 1
        tick.state_dirty = True
        client_id = client_order_id_for(order_id=tick.order_id, sequence=sequence)
        reserved = reservation_amount(side=quote.side.value, price=quote.price, amount=quote.amount)
        row = TrackedOrder(
            order_id=tick.order_id,
            api_key_id=state.api_key_id,
            symbol=pair.symbol,
            sequence=sequence,
            client_order_id=client_id,
            side=quote.side.value,
            level=quote.level,
            price=quote.price,
            amount=quote.amount,
            reserved_amount=reserved,
            trace_id=state.trace_id,
            created_at=now,
            updated_at=now,
        )
        posting = reservation_posting(
            accounts=accounts,
            lock=True,
            order_id=tick.order_id,
            asset=pair.quote_asset_id if quote.side is Side.BUY else pair.base_asset_id,
            amount=reserved,
            idempotency_key=f"{tick.order_id}:lock:{client_id}",
            ref=f"client-order:{client_id}",
            trace_id=state.trace_id,
        )
        drafts.append((tick, quote, row, posting))
    outcomes = ledger_post_batch(postings=[posting for *_, posting in drafts])
    placed = []
    for (tick, quote, row, _), outcome in zip(drafts, outcomes, strict=True):
        if isinstance(outcome, InsufficientBalance):
            tick.event(
                "quote_unfunded",
                "the ledger holds too little for this quote; not placed",
                side=quote.side.value,
                price=quote.price,
                amount=quote.amount,
                detail=str(outcome),
            )
            continue
        if not isinstance(outcome, Transaction):
            raise outcome  # a client id's key reused for another amount: never expected
        placed.append((tick, row))
    rows_insert(TrackedOrder, [row for _, row in placed])
    for tick, row in placed:
        tick.tracked.append(row)
    # The sequence moves in the same transaction as the rows that used it.
    states = {tick.order_id: tick.state for tick, _ in planned}
    states_update(list(states.values()), ("next_sequence",))
    return placed


def _place(
    tick: OrderTick,
    tracked: TrackedOrder,
    *,
    gateway: ExchangeGateway,
    pair: TradingPair,
    now: datetime,
    limits: risk.RiskLimits,
) -> bool:
    """Send one create; True when the exchange took it (the caller saves the row, and
    releases the reservation of one refused)."""
    crash_point("executor_create:-:after_key")
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
        _failed(tracked, error, now=now)
        _create_refused(tick, tracked, error, now=now, limits=limits)
        return False
    except AuthFailedError as error:
        _failed(tracked, error, now=now)
        reason = f"the exchange refused the API key: {error}"
        tick.kill_switch_trip(reason)
        tick.event("kill_switch_auth", reason)
        return False
    except RetryableError as error:
        # Refused before it was carried out (rate limit, maintenance): nothing rests.
        _failed(tracked, error, now=now)
        return False
    crash_point("executor_create:-:after_call")
    if tick.state.consecutive_rejects:
        tick.state.consecutive_rejects = 0
        tick.state_dirty = True
    tracked_apply_remote(tracked, remote, now=now)
    return True


def _failed(tracked: TrackedOrder, error: Exception | str, *, now: datetime) -> None:
    """Nothing rests; key_orders_execute saves the row and releases its reservation."""
    tracked.status = ST.FAILED
    tracked.last_error = str(error)[:500]
    tracked.error_class = type(error).__name__ if isinstance(error, Exception) else ""
    tracked.updated_at = now


def _create_refused(
    tick: OrderTick,
    tracked: TrackedOrder,
    error: RejectedError,
    *,
    now: datetime,
    limits: risk.RiskLimits,
) -> None:
    """A side the exchange lacks funds for rests; other refusals count towards the switch."""
    reason = (error.detail or {}).get("reason", "rejected")
    state = tick.state
    tick.state_dirty = True
    if reason == "insufficient_funds":
        until = now + timedelta(seconds=limits.insufficient_balance_pause_seconds)
        state.halted_sides = {**state.halted_sides, tracked.side: until.isoformat()}
        tick.event(
            "risk_insufficient_balance",
            f"the exchange lacks the funds for a {tracked.side}; that side rests",
            side=tracked.side,
            price=tracked.price,
            amount=tracked.amount,
            paused_until=until,
        )
        return
    state.consecutive_rejects += 1
    tick.event(
        "quote_rejected",
        f"the exchange refused a quote: {reason}",
        side=tracked.side,
        price=tracked.price,
        amount=tracked.amount,
        consecutive_rejects=state.consecutive_rejects,
    )
    if state.consecutive_rejects >= limits.max_consecutive_rejects:
        trip = f"{state.consecutive_rejects} quotes refused in a row"
        tick.kill_switch_trip(trip)
        tick.event(
            "kill_switch_rejects",
            trip,
            consecutive_rejects=state.consecutive_rejects,
            limit=limits.max_consecutive_rejects,
        )


def tracked_cancel(
    *,
    gateway: ExchangeGateway,
    pair: TradingPair,
    tracked: TrackedOrder,
    now: datetime,
    reason: CancelReason,
    save: bool = True,
) -> bool:
    """Cancel one resting order; True once the exchange says it is no longer open.

    The row is saved after the call (or, with save=False, by the caller together with the
    tick's other cancels): a cancel needs no key persisted first (asking twice is
    harmless), and the next sync reads how the order ended anyway."""
    if tracked.status != ST.PENDING_CANCEL:
        tracked.status = ST.PENDING_CANCEL
        tracked.cancel_reason = reason
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
        if save:
            tracked_save(tracked)
        return False
    # A cancel persists no key before its call (asking twice is harmless), so its one
    # crash point is between the exchange's answer and the row that records it.
    crash_point("executor_cancel:-:after_call")
    tracked_apply_remote(tracked, remote, now=now)
    if remote.is_open:
        tracked.status = ST.PENDING_CANCEL
    if save:
        tracked_save(tracked)
    return not remote.is_open
