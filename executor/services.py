"""The executor's writes, and the small interface the order's services use: register an
order, pause it (stop quoting now, cancel its quotes on commit), resume it, cancel all its
quotes (exit); plus ticking a market (executor/tick.py) and the kill switches."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone

from core import context
from core.errors import RetryableError
from exchanges.gateway import gateway_for_api_key
from exchanges.models import TradingPair
from executor import risk, selectors
from executor.events import executor_event_record
from executor.exchange_sync import SyncResult, pending_resolve, trades_sync
from executor.market_data import GatewayFor
from executor.models import (
    LIVE_STATUSES,
    CancelReason,
    ExchangeOrderStatus,
    ExecutorState,
    GlobalKillSwitch,
)
from executor.placement import tracked_cancel
from executor.schedule import market_lease, market_orders_changed, market_schedule_ensure
from executor.settlement import ORDER_PURPOSES, LedgerAccounts
from executor.tick import tick_run
from executor.timing import TickReport
from executor.working_set import working_set_keep, working_set_take
from ledger.models import Account
from ledger.services import accounts_get_or_create_many
from strategy import state_from_dict, state_to_dict, validate_params

logger = logging.getLogger(__name__)

ST = ExchangeOrderStatus


class MarketBusy(RetryableError):
    code = "market_tick_in_progress"


# -- the orders' interface ---------------------------------------------------------------


@transaction.atomic
def executor_order_register(
    *,
    order_id: UUID | str,
    pair_id: int,
    api_key_id: int,
    config: dict,
    config_hash: str,
    trace_id: str,
) -> ExecutorState:
    """Start quoting an order (called by start_mm once its config is frozen).

    Idempotent: a second call returns the existing state unchanged, so its sequence counter
    (client ids are never reused), kill-switch status and quoting flag stay as they are.
    """
    if not config:
        raise ValueError("an order is registered once its strategy config is frozen")
    validate_params(config)
    now = timezone.now()
    state, created = ExecutorState.objects.get_or_create(
        order_id=order_id,
        defaults={
            "pair_id": pair_id,
            "api_key_id": api_key_id,
            "config": config,
            "config_hash": config_hash,
            "trace_id": trace_id,
            "quoting": True,
        },
    )
    if created:
        executor_event_record(
            order_id=order_id,
            kind="executor_registered",
            reason="the executor quotes this order from its next tick",
            data={"config_hash": config_hash},
            trace_id=context.current_trace_id() or trace_id,
            at=now,
        )
        market_schedule_ensure(pair_id=pair_id, now=now)
        market_orders_changed(pair_id=pair_id)
        _order_accounts_open(order_id=order_id, pair_id=pair_id)
    return state


def _order_accounts_open(*, order_id: UUID | str, pair_id: int) -> None:
    """The ledger accounts the order's quotes and fills post to, opened with the order
    rather than by its first tick: when many orders start together, their first tick only
    places quotes."""
    pair = TradingPair.objects.only("base_asset_id", "quote_asset_id").get(pk=pair_id)
    accounts_get_or_create_many(
        identities=[
            (Account.OwnerKind.ORDER, str(order_id), asset, purpose)
            for asset in (pair.base_asset_id, pair.quote_asset_id)
            for purpose in ORDER_PURPOSES
        ]
    )


@transaction.atomic  # the flag and the market's version together (executor.schedule)
def executor_order_quoting_stop(*, order_id: UUID | str) -> None:
    """No tick quotes the order from now on (in the caller's transaction). Exit calls only
    this: its own cancel-all follows at once, and a second cancel job would only contend
    with it for the market."""
    ExecutorState.objects.filter(order_id=order_id).update(quoting=False)
    market_orders_changed(order_id=order_id)


def executor_order_pause(*, order_id: UUID | str, reason: str) -> None:
    """Stop quoting the order now, in the caller's transaction (pause, stop); its quotes
    are cancelled once that commits (the quotes_cancel task, retried until done)."""
    from executor import tasks

    executor_order_quoting_stop(order_id=order_id)
    state = ExecutorState.objects.filter(order_id=order_id)
    # The cancel runs under the order's trace, as every other job of the order.
    trace_id = (
        state.values_list("trace_id", flat=True).first()
        or context.current_trace_id()
        or context.new_trace_id()
    )
    transaction.on_commit(
        lambda: tasks.quotes_cancel.delay(order_id=str(order_id), trace_id=trace_id, reason=reason)
    )


@transaction.atomic
def executor_order_resume(*, order_id: UUID | str) -> None:
    """Quote the order again from the next tick of its market (a tripped kill switch stays
    tripped until an operator resets it)."""
    ExecutorState.objects.filter(order_id=order_id).update(quoting=True)
    market_orders_changed(order_id=order_id)


def executor_tick_market(
    *,
    pair_id: int,
    now: datetime | None = None,
    gateway_for: GatewayFor = gateway_for_api_key,
) -> TickReport:
    """One tick of every quoting order on one market. Safe to call at any time: a tick
    that finds the market leased by another does nothing."""
    started = time.perf_counter()
    now = now or timezone.now()
    report = TickReport(pair_id=pair_id)
    with market_lease(pair_id=pair_id, now=now) as lease:
        if not lease.won:
            report.skipped = True
            return report
        outcome = tick_run(
            pair_id=pair_id,
            now=now,
            gateway_for=gateway_for,
            report=report,
            global_switch=lease.global_switch,
            kept=working_set_take(pair_id=pair_id, version=lease.version),
        )
        lease.next_tick_at, lease.writes = outcome.next_tick_at, outcome.writes
    # A tick whose exchange calls raised may hold rows changed in memory and not stored;
    # a market without quoting orders has nothing to keep (ledger_accounts is None).
    if (
        lease.version_left is not None
        and not report.gateway_errors
        and outcome.ledger_accounts is not None
    ):
        working_set_keep(
            pair_id=pair_id,
            version=lease.version_left,
            states=outcome.states,
            tracked=outcome.tracked,
            balance_accounts=outcome.balance_accounts,
            ledger_accounts=outcome.ledger_accounts,
            strategy_states=outcome.strategy_states,
        )
    report.seconds = time.perf_counter() - started
    logger.info(
        "market ticked",
        extra={
            "pair_id": pair_id,
            "orders": report.orders,
            "quotes_created": report.created,
            "quotes_cancelled": report.cancelled,
            "fills_settled": report.fills,
            "ms": round(report.seconds * 1000, 2),
        },
    )
    return report


# -- cancel all --------------------------------------------------------------------------


def executor_order_cancel_all(
    *,
    order_id: UUID | str,
    reason: str,
    stop_quoting: bool,
    gateway_for: GatewayFor = gateway_for_api_key,
    now: datetime | None = None,
) -> bool:
    """Cancel every open exchange order of the order, settle its fills, release what the
    unfilled remainders reserved. True when nothing is left open and every reservation is
    back (pause, stop and the exit chain move on then); False when something must be tried
    again.

    With `stop_quoting` (exit) the order quotes no more, from before the first cancel. The
    quotes_cancel task (pause, stop, the global switch) leaves the flag alone: a retry
    landing after a resume must not silence the order again.

    Raises MarketBusy (retryable) while a tick of the order's market runs.
    """
    now = now or timezone.now()
    if stop_quoting:
        with transaction.atomic():
            if ExecutorState.objects.filter(order_id=order_id, quoting=True).update(quoting=False):
                market_orders_changed(order_id=order_id)
    state = ExecutorState.objects.select_related("pair").filter(order_id=order_id).first()
    if state is None:
        return True  # never registered, so nothing was ever placed
    pair = state.pair
    with market_lease(pair_id=pair.pk, now=now) as lease:
        if not lease.won:
            raise MarketBusy("a tick of this market is running; try again")
        tracked = list(selectors.unreleased_tracked_orders(order_ids=[str(state.order_id)]))
        if not tracked:
            return True
        gateway = gateway_for(state.api_key_id)
        trace_id = context.current_trace_id() or state.trace_id
        accounts = LedgerAccounts(pair=pair, traces={str(state.order_id): state.trace_id})
        cancel_reason = CancelReason.EXIT if stop_quoting else CancelReason.PAUSE
        cancelled = []
        for t in tracked:
            if t.status == ST.PENDING_CREATE:
                pending_resolve(
                    gateway=gateway,
                    pair=pair,
                    tracked=t,
                    now=now,
                    in_doubt_timeout=timedelta(seconds=risk.risk_limits().in_doubt_timeout_seconds),
                    result=SyncResult(),
                )
            if t.status in LIVE_STATUSES - {ST.PENDING_CREATE}:
                if tracked_cancel(
                    gateway=gateway, pair=pair, tracked=t, now=now, reason=cancel_reason
                ):
                    cancelled.append(t.client_order_id)
        trades_sync(
            gateway=gateway,
            pair=pair,
            api_key_id=state.api_key_id,
            tracked=tracked,
            accounts=accounts,
            trace_id=trace_id,
            result=SyncResult(),
        )
        still_open = [t.client_order_id for t in tracked if t.status in LIVE_STATUSES]
        unreleased = [t.client_order_id for t in tracked if not t.released]
        executor_event_record(
            order_id=state.order_id,
            kind="quotes_cancelled",
            reason=reason,
            data={"cancelled": cancelled, "still_open": still_open, "unreleased": unreleased},
            trace_id=trace_id,
            at=now,
        )
        # Exit withdraws what is free on the exchange: a reservation not yet given back
        # (a fill the exchange reported but whose trade is not listed yet) must wait too.
        return not still_open and not unreleased


# -- kill switches -----------------------------------------------------------------------


@transaction.atomic
def global_kill_switch_set(*, engaged: bool, reason: str, user: AbstractUser) -> GlobalKillSwitch:
    """Engage or release the global kill switch (admins with the toggle permission).

    Engaged: every quoting order is told why, and its quotes are cancelled on commit.
    The change is audited by auditlog (who, old and new values).
    """
    from executor import tasks

    if not user.has_perm("executor.toggle_global_kill_switch"):
        raise PermissionError("toggling the global kill switch needs its permission")
    if not reason.strip():
        raise ValueError("say why the global kill switch changes")
    switch, _ = GlobalKillSwitch.objects.select_for_update().get_or_create(
        pk=GlobalKillSwitch.SINGLETON_ID
    )
    if switch.engaged == engaged:
        return switch
    switch.engaged = engaged
    switch.reason = reason
    switch.changed_by = user
    switch.changed_at = timezone.now()
    switch.save()
    quoting = list(ExecutorState.objects.filter(quoting=True).values_list("order_id", "trace_id"))
    for order_id, trace_id in quoting:
        executor_event_record(
            order_id=order_id,
            kind="global_kill_switch_engaged" if engaged else "global_kill_switch_released",
            actor=f"operator:{user.pk}",
            reason=reason,
            trace_id=context.current_trace_id() or trace_id,
            at=switch.changed_at,
        )
    if engaged:
        for order_id, trace_id in quoting:
            transaction.on_commit(
                lambda o=str(order_id), t=trace_id: tasks.quotes_cancel.delay(
                    order_id=o, trace_id=t
                )
            )
    return switch


@transaction.atomic
def order_kill_switch_reset(
    *, order_id: UUID | str, user: AbstractUser, reason: str
) -> ExecutorState:
    """An operator lets a tripped order quote again."""
    state = ExecutorState.objects.select_for_update().get(order_id=order_id)
    if not state.kill_switch_tripped:
        return state
    previous = state.kill_switch_reason
    state.kill_switch_tripped = False
    state.kill_switch_reason = ""
    state.consecutive_rejects = 0
    state.peak_equity = None
    strategy_state = state_from_dict(state.strategy_state)
    state.strategy_state = state_to_dict(replace(strategy_state, peak_equity=None))
    state.save()
    market_orders_changed(pair_id=state.pair_id)
    executor_event_record(
        order_id=state.order_id,
        kind="kill_switch_reset",
        actor=f"operator:{user.pk}",
        reason=reason,
        data={"tripped_because": previous},
        trace_id=context.current_trace_id() or state.trace_id,
        at=timezone.now(),
    )
    return state
