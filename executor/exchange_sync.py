"""Syncing an API key's account on one market with the exchange before deciding anything:
in-doubt creates first, then the key's open orders, then its new trades, then the
reservations that can be released. (Not the orders app's stuck-order reconcile.)

The same steps run at the start of every tick and in cancel-all, so a restart (or a worker
killed mid-step) needs no special recovery: the persisted rows say what may be out there,
and this looks each of them up before the strategy quotes again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.errors import RemoteNotFoundError
from exchanges import gateway as venue
from exchanges.models import TradingPair
from executor.models import (
    LIVE_STATUSES,
    RESTING_STATUSES,
    ExchangeOrderStatus,
    TrackedOrder,
    TradeCursor,
)
from executor.settlement import (
    LedgerAccounts,
    SettledFill,
    fills_settle,
    reservations_release_done,
    tracked_apply_remote,
    tracked_save,
    tracked_save_many,
)

logger = logging.getLogger(__name__)

ST = ExchangeOrderStatus
# Our client order ids start with this (executor.models.client_order_id_for).
CLIENT_ID_PREFIX = "mm"


@dataclass
class SyncResult:
    filled: list[TrackedOrder] = field(default_factory=list)  # became completely filled
    settled: list[SettledFill] = field(default_factory=list)
    given_up: list[TrackedOrder] = field(default_factory=list)  # in doubt too long: failed
    released: list[TrackedOrder] = field(default_factory=list)  # reservations given back


def account_sync(
    *,
    gateway: venue.ExchangeGateway,
    pair: TradingPair,
    api_key_id: int,
    tracked: list[TrackedOrder],
    now: datetime,
    in_doubt_timeout: timedelta,
    accounts: LedgerAccounts,
    trace_id: str,
) -> SyncResult:
    """Bring one API key's tracked orders on one market in line with the exchange.

    `tracked` are the key's unreleased orders on the market (every live one must be in
    it); they are updated in place and saved when something changed.
    """
    result = SyncResult()
    was_filled = {t.pk for t in tracked if t.status == ST.FILLED}

    for order in [t for t in tracked if t.status == ST.PENDING_CREATE]:
        pending_resolve(
            gateway=gateway,
            pair=pair,
            tracked=order,
            now=now,
            in_doubt_timeout=in_doubt_timeout,
            result=result,
        )

    resting = {t.client_order_id: t for t in tracked if t.status in RESTING_STATUSES}
    remote_open = gateway.open_orders(symbol=pair.symbol)
    seen = set()
    # What the exchange changed is saved in one batch once every order was looked at.
    changed: list[TrackedOrder] = []
    for remote in remote_open:
        order = resting.get(remote.client_order_id)
        if order is not None:
            seen.add(remote.client_order_id)
            if tracked_apply_remote(order, remote, now=now):
                changed.append(order)
        elif remote.client_order_id.startswith(CLIENT_ID_PREFIX) and not _is_live(
            remote.client_order_id, tracked
        ):
            _orphan_cancel(gateway=gateway, pair=pair, remote=remote)
    for client_id, order in resting.items():
        if client_id not in seen:
            # Gone from the book: filled, cancelled or expired. Ask how it ended.
            try:
                remote = gateway.fetch_order(
                    symbol=pair.symbol,
                    exchange_order_id=order.exchange_order_id or None,
                    client_order_id=None if order.exchange_order_id else client_id,
                )
            except RemoteNotFoundError:
                # The exchange forgot it (closed orders age out): it no longer rests, and
                # its trades, if any, still settle below before the release.
                order.status = ST.CANCELLED
                order.last_error = "closed and no longer known to the exchange"
                order.updated_at = now
                changed.append(order)
                continue
            if tracked_apply_remote(order, remote, now=now):
                changed.append(order)
    # With fills to settle, the changes are saved in the settlement's transaction (one
    # UPDATE and one commit for both); otherwise now.
    if not _settling(tracked):
        tracked_save_many(changed)
        changed = []

    trades_sync(
        gateway=gateway,
        pair=pair,
        api_key_id=api_key_id,
        tracked=tracked,
        accounts=accounts,
        trace_id=trace_id,
        result=result,
        changed=changed,
    )
    result.filled = [t for t in tracked if t.status == ST.FILLED and t.pk not in was_filled]
    return result


def trades_sync(
    *,
    gateway: venue.ExchangeGateway,
    pair: TradingPair,
    api_key_id: int,
    tracked: list[TrackedOrder],
    accounts: LedgerAccounts,
    trace_id: str,
    result: SyncResult,
    changed: list[TrackedOrder] | None = None,
) -> None:
    """Settle the key's new trades when some order has unsettled fills, then release.
    `changed`: tracked orders the sync changed, saved with the first batch of fills."""
    if _settling(tracked):
        cursor = (
            TradeCursor.objects.filter(api_key_id=api_key_id, symbol=pair.symbol)
            .values_list("last_trade_id", flat=True)
            .first()
        )
        by_exchange_id = {t.exchange_order_id: t for t in tracked if t.exchange_order_id}
        while True:
            fills = gateway.my_trades(symbol=pair.symbol, after_trade_id=cursor or None)
            result.settled += fills_settle(
                pair=pair,
                api_key_id=api_key_id,
                fills=fills,
                tracked_by_exchange_id=by_exchange_id,
                accounts=accounts,
                trace_id=trace_id,
                also_save=changed or [],
            )
            changed = []
            if len(fills) < 500:
                break
            cursor = fills[-1].trade_id
    result.released += reservations_release_done(
        pair=pair, tracked=tracked, accounts=accounts, trace_id=trace_id
    )


def _settling(tracked: list[TrackedOrder]) -> bool:
    return any(t.filled_amount > t.settled_amount for t in tracked)


def pending_resolve(
    *,
    gateway: venue.ExchangeGateway,
    pair: TradingPair,
    tracked: TrackedOrder,
    now: datetime,
    in_doubt_timeout: timedelta,
    result: SyncResult,
) -> None:
    """An in-doubt create: look it up by our client id before anything else."""
    try:
        remote = gateway.fetch_order(symbol=pair.symbol, client_order_id=tracked.client_order_id)
    except RemoteNotFoundError:
        if now - tracked.created_at >= in_doubt_timeout:
            tracked.status = ST.FAILED
            tracked.last_error = "no answer to the create and not found by its client id"
            tracked.updated_at = now
            tracked_save(tracked)
            result.given_up.append(tracked)
        return
    tracked_apply_remote(tracked, remote, now=now)
    tracked_save(tracked)


def _is_live(client_order_id: str, tracked: list[TrackedOrder]) -> bool:
    return any(t.client_order_id == client_order_id and t.status in LIVE_STATUSES for t in tracked)


def _orphan_cancel(
    *,
    gateway: venue.ExchangeGateway,
    pair: TradingPair,
    remote: venue.ExchangeOrder,
) -> None:
    """One of our client ids resting on the book that no live row knows (an in-doubt create
    given up before it landed): take it off rather than quote blind."""
    if TrackedOrder.objects.filter(
        client_order_id=remote.client_order_id, status__in=LIVE_STATUSES
    ).exists():
        return  # live under another order of this key on this market; its own tick syncs it
    try:
        gateway.cancel_order(symbol=pair.symbol, exchange_order_id=remote.exchange_order_id)
    except RemoteNotFoundError:
        return
    logger.warning("cancelled an orphan order", extra={"client_order_id": remote.client_order_id})
