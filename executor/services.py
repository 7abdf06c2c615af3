"""The executor's writes: registering an order, ticking a market (orders/executor/tick.py
does the work), cancelling an order's quotes, and the kill switches."""

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
from executor import risk, selectors
from executor.models import (
    LIVE_STATUSES,
    ExecutorState,
    GlobalKillSwitch,
    MarketTickSchedule,
)
from executor.reconcile import SyncResult, pending_resolve, trades_sync
from executor.settlement import LedgerAccounts
from executor.tick import (
    ACTOR,
    ST,
    GatewayFor,
    TickReport,
    market_lease,
    tick_run,
    tracked_cancel,
)
from orders.models import MarketMakingOrder
from orders.services.lifecycle import order_event_record
from orders.states import OrderState
from strategy import state_from_dict, state_to_dict, validate_params

logger = logging.getLogger(__name__)


class MarketBusy(RetryableError):
    code = "market_tick_in_progress"


# -- registration ------------------------------------------------------------------------


@transaction.atomic
def executor_order_register(*, order: MarketMakingOrder) -> ExecutorState:
    """Start tracking a running order (called by start_mm once the config is frozen).

    Idempotent: a second call returns the existing state. A resumed order keeps its
    sequence counter (client ids are never reused) and its kill-switch status.
    """
    if not order.frozen_config:
        raise ValueError("an order is registered once its strategy config is frozen")
    validate_params(order.frozen_config)
    state, created = ExecutorState.objects.get_or_create(order=order)
    if created:
        order_event_record(
            order=order,
            kind="executor_registered",
            actor=ACTOR,
            reason="the executor quotes this order from its next tick",
            data={"config_hash": order.config_hash},
        )
        MarketTickSchedule.objects.get_or_create(
            pair_id=order.pair_id,
            defaults={"next_tick_at": timezone.now(), "leased_until": timezone.now()},
        )
    return state


def executor_tick_market(
    *,
    pair_id: int,
    now: datetime | None = None,
    gateway_for: GatewayFor = gateway_for_api_key,
) -> TickReport:
    """One tick of every running order on one market. Safe to call at any time: a tick
    that finds the market leased by another does nothing."""
    started = time.perf_counter()
    now = now or timezone.now()
    report = TickReport(pair_id=pair_id)
    with market_lease(pair_id, now) as lease:
        if not lease.won:
            report.skipped = True
            return report
        lease.next_tick_at = tick_run(
            pair_id=pair_id, now=now, gateway_for=gateway_for, report=report
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
    gateway_for: GatewayFor = gateway_for_api_key,
    now: datetime | None = None,
) -> bool:
    """Cancel every open exchange order of the order, settle its fills, release what the
    unfilled remainders reserved. True when nothing is left open and every reservation is
    back (pause, stop and the exit chain move on then); False when something must be tried
    again.

    Raises MarketBusy (retryable) while a tick of the order's market runs.
    """
    now = now or timezone.now()
    order = MarketMakingOrder.objects.select_related("pair", "pair__exchange").get(pk=order_id)
    pair = order.pair
    with market_lease(pair.pk, now) as lease:
        if not lease.won:
            raise MarketBusy("a tick of this market is running; try again")
        tracked = list(selectors.unreleased_tracked_orders(order_ids=[str(order.pk)]))
        if not tracked:
            return True
        gateway = gateway_for(order.api_key_id)
        trace_id = context.current_trace_id() or order.trace_id
        accounts = LedgerAccounts(order_ids=[order.pk], pair=pair)
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
                if tracked_cancel(gateway=gateway, pair=pair, tracked=t, now=now):
                    cancelled.append(t.client_order_id)
        trades_sync(
            gateway=gateway,
            pair=pair,
            api_key_id=order.api_key_id,
            tracked=tracked,
            accounts=accounts,
            trace_id=trace_id,
            result=SyncResult(),
        )
        still_open = [t.client_order_id for t in tracked if t.status in LIVE_STATUSES]
        unreleased = [t.client_order_id for t in tracked if not t.released]
        order_event_record(
            order=order,
            kind="quotes_cancelled",
            actor=ACTOR,
            reason=reason,
            data={"cancelled": cancelled, "still_open": still_open, "unreleased": unreleased},
        )
        # Exit withdraws what is free on the exchange: a reservation not yet given back
        # (a fill the exchange reported but whose trade is not listed yet) must wait too.
        return not still_open and not unreleased


# -- kill switches -----------------------------------------------------------------------


@transaction.atomic
def global_kill_switch_set(*, engaged: bool, reason: str, user: AbstractUser) -> GlobalKillSwitch:
    """Engage or release the global kill switch (admins with the toggle permission).

    Engaged: every running order is told why, and its quotes are cancelled on commit.
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
    running = list(
        MarketMakingOrder.objects.filter(state=OrderState.RUNNING, executor_state__isnull=False)
    )
    for order in running:
        order_event_record(
            order=order,
            kind="global_kill_switch_engaged" if engaged else "global_kill_switch_released",
            actor=f"operator:{user.pk}",
            reason=reason,
        )
    if engaged:
        for order in running:
            order_pk, trace = str(order.pk), order.trace_id
            transaction.on_commit(
                lambda o=order_pk, t=trace: tasks.quotes_cancel.delay(order_id=o, trace_id=t)
            )
    return switch


@transaction.atomic
def order_kill_switch_reset(
    *, order_id: UUID | str, user: AbstractUser, reason: str
) -> ExecutorState:
    """An operator lets a tripped order quote again."""
    state = ExecutorState.objects.select_for_update().select_related("order").get(order_id=order_id)
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
    order_event_record(
        order=state.order,
        kind="kill_switch_reset",
        actor=f"operator:{user.pk}",
        reason=reason,
        data={"tripped_because": previous},
    )
    return state
