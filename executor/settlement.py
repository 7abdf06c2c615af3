"""Bringing the exchange's view into our books: order statuses, fills, reservations.

Rules (docs/ledger.md, FUNDS-LOOP.md):
- a tracked order's cumulative fill only grows: a lower value from the exchange is ignored;
- each exchange trade is recorded once (unique exchange + symbol + trade id) and settled
  into the ledger under `{order_id}:fill:{trade_id}`, its fee in the same posting;
- the reservation's unspent rest is released once the order is final *and* every fill the
  exchange reported is settled, under `{order_id}:release:{client_order_id}`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.db.models import Q

from exchanges import gateway as venue
from exchanges.models import TradingPair
from executor.models import (
    FINAL_STATUSES,
    ExchangeFill,
    ExchangeOrderStatus,
    TrackedOrder,
    TradeCursor,
)
from ledger.models import Account, Transaction
from ledger.services import Leg, ledger_post, order_account, reservation_move, system_account

logger = logging.getLogger(__name__)

ST = ExchangeOrderStatus
_FINAL_REMOTE = {"closed": ST.FILLED, "canceled": ST.CANCELLED, "expired": ST.CANCELLED}


def tracked_apply_remote(
    tracked: TrackedOrder, remote: venue.ExchangeOrder, *, now: datetime
) -> bool:
    """Take the exchange's answer about one of our orders; True when a field changed."""
    before = (tracked.exchange_order_id, tracked.filled_amount, tracked.status)
    if remote.exchange_order_id:
        tracked.exchange_order_id = remote.exchange_order_id
    tracked.filled_amount = min(tracked.amount, max(tracked.filled_amount, remote.filled))
    if remote.status == "open":
        if tracked.status != ST.PENDING_CANCEL:
            tracked.status = ST.PARTIALLY_FILLED if tracked.filled_amount > 0 else ST.OPEN
    elif remote.status == "rejected":
        tracked.status = ST.FAILED
    else:
        tracked.status = _FINAL_REMOTE.get(remote.status, ST.CANCELLED)
    changed = before != (tracked.exchange_order_id, tracked.filled_amount, tracked.status)
    if changed:
        tracked.updated_at = now
    return changed


def tracked_save(tracked: TrackedOrder) -> None:
    tracked.save(
        update_fields=[
            "exchange_order_id",
            "filled_amount",
            "settled_amount",
            "consumed_amount",
            "released",
            "status",
            "last_error",
            "error_class",
            "cancel_reason",
            "updated_at",
        ]
    )


class LedgerAccounts:
    """The ledger accounts of a set of orders on one pair, read in one query on first use,
    so that a fill or a reservation does not look each of its accounts up again."""

    def __init__(self, *, order_ids: Iterable[object], pair: TradingPair) -> None:
        self._order_ids = [str(order_id) for order_id in order_ids]
        self._assets = [pair.base_asset_id, pair.quote_asset_id]
        self._accounts: dict[tuple[str, str, object, str], Account] | None = None

    def _load(self) -> dict[tuple[str, str, object, str], Account]:
        if self._accounts is None:
            kinds = Account.OwnerKind
            rows = Account.objects.filter(asset__in=self._assets).filter(
                Q(owner_kind=kinds.ORDER, owner_id__in=self._order_ids)
                | Q(owner_kind=kinds.SYSTEM, purpose=Account.Purpose.EXTERNAL)
            )
            self._accounts = {(a.owner_kind, a.owner_id, a.asset, a.purpose): a for a in rows}
        return self._accounts

    def order(self, *, order_id: object, asset: UUID, purpose: str) -> Account:
        key = (Account.OwnerKind.ORDER, str(order_id), asset, purpose)
        account = self._load().get(key)
        if account is None:
            account = self._load()[key] = order_account(
                order_id=str(order_id), asset=asset, purpose=purpose
            )
        return account

    def external(self, *, asset: UUID) -> Account:
        key = (Account.OwnerKind.SYSTEM, "", asset, Account.Purpose.EXTERNAL)
        account = self._load().get(key)
        if account is None:
            account = self._load()[key] = system_account(
                asset=asset, purpose=Account.Purpose.EXTERNAL
            )
        return account


@dataclass(frozen=True, slots=True)
class SettledFill:
    tracked_order_id: int
    fill: venue.Fill


@transaction.atomic
def fills_settle(
    *,
    pair: TradingPair,
    api_key_id: int,
    fills: Iterable[venue.Fill],
    tracked_by_exchange_id: dict[str, TrackedOrder],
    accounts: LedgerAccounts,
    trace_id: str,
) -> list[SettledFill]:
    """Record and settle the fills of our tracked orders; others (and replays) are skipped.

    Advances the key's trade cursor past every fill read, ours or not. One transaction for
    the batch: a commit per fill would cost a disk flush each, and a batch cut short is
    simply read again from the unchanged cursor.
    """
    settled = []
    last_trade_id = None
    for fill in fills:
        last_trade_id = fill.trade_id
        tracked = tracked_by_exchange_id.get(fill.exchange_order_id)
        if tracked is None:
            tracked = (
                TrackedOrder.objects.select_related("order")
                .filter(api_key_id=api_key_id, symbol=pair.symbol)
                .filter(exchange_order_id=fill.exchange_order_id)
                .first()
            )
        if tracked is None:
            logger.warning(
                "a trade of an order we did not place",
                extra={"trade_id": fill.trade_id, "exchange_order_id": fill.exchange_order_id},
            )
            continue
        if fill_settle(pair=pair, tracked=tracked, fill=fill, accounts=accounts, trace_id=trace_id):
            settled.append(SettledFill(tracked.pk, fill))
    if last_trade_id is not None:
        cursor = TradeCursor.objects.filter(api_key_id=api_key_id, symbol=pair.symbol)
        if not cursor.update(last_trade_id=last_trade_id):
            TradeCursor.objects.create(
                api_key_id=api_key_id, symbol=pair.symbol, last_trade_id=last_trade_id
            )
    return settled


@transaction.atomic
def fill_settle(
    *,
    pair: TradingPair,
    tracked: TrackedOrder,
    fill: venue.Fill,
    accounts: LedgerAccounts,
    trace_id: str,
) -> bool:
    """One trade into the ledger: the asset given leaves `locked`, the asset got arrives in
    `on_exchange`, the fee goes to `fees`. False when the trade was settled already."""
    if ExchangeFill.objects.filter(
        exchange_id=pair.exchange_id, symbol=pair.symbol, trade_id=fill.trade_id
    ).exists():
        return False
    order_id = str(tracked.order_id)
    cost = fill.price * fill.amount
    buying = tracked.side == TrackedOrder.Side.BUY
    given_asset, got_asset = (
        (pair.quote_asset_id, pair.base_asset_id)
        if buying
        else (pair.base_asset_id, pair.quote_asset_id)
    )
    given, got = (cost, fill.amount) if buying else (fill.amount, cost)
    key = f"{order_id}:fill:{fill.trade_id}"
    entries = [
        Leg(accounts.order(order_id=order_id, asset=given_asset, purpose="locked"), -given),
        Leg(accounts.external(asset=given_asset), given),
        Leg(accounts.external(asset=got_asset), -got),
    ]
    # The trade's fee is part of the same posting: one ledger write per fill.
    fee_asset = {pair.base_symbol: pair.base_asset_id, pair.quote_symbol: pair.quote_asset_id}
    fee = fill.fee if fill.fee > 0 and fill.fee_asset in fee_asset else Decimal(0)
    fee_paid_in = fee_asset.get(fill.fee_asset)
    if fee and fee_paid_in == got_asset:
        got_kept = got - fee
    else:
        got_kept = got
        if fee:
            entries.append(
                Leg(
                    accounts.order(order_id=order_id, asset=given_asset, purpose="on_exchange"),
                    -fee,
                )
            )
    entries.append(
        Leg(accounts.order(order_id=order_id, asset=got_asset, purpose="on_exchange"), got_kept)
    )
    if fee:
        entries.append(
            Leg(accounts.order(order_id=order_id, asset=fee_paid_in, purpose="fees"), fee)
        )
    elif fill.fee > 0:
        # Paid in a third asset (a venue token): recorded on the fill, outside the order's
        # books, since the order never held that asset.
        logger.warning("fee in an asset the order does not hold", extra={"asset": fill.fee_asset})
    ledger_post(
        idempotency_key=key,
        code=Transaction.Code.FILL_SETTLE,
        entries=entries,
        trace_id=trace_id,
        ref=f"trade:{fill.trade_id}",
    )
    ExchangeFill.objects.create(
        tracked_order=tracked,
        exchange_id=pair.exchange_id,
        symbol=pair.symbol,
        trade_id=fill.trade_id,
        side=tracked.side,
        price=fill.price,
        amount=fill.amount,
        fee=fill.fee,
        fee_asset=fill.fee_asset,
        is_maker=fill.is_maker,
        traded_at=fill.at,
        ledger_key=key,
    )
    tracked.settled_amount += fill.amount
    tracked.consumed_amount += given
    tracked.filled_amount = max(tracked.filled_amount, tracked.settled_amount)
    if tracked.settled_amount >= tracked.amount:
        tracked.status = ST.FILLED
    tracked.updated_at = fill.at if fill.at > tracked.updated_at else tracked.updated_at
    tracked_save(tracked)
    return True


def reservation_release_if_done(
    *, pair: TradingPair, tracked: TrackedOrder, accounts: LedgerAccounts, trace_id: str
) -> bool:
    """Give the unspent reservation back once the order is final and fully settled."""
    if (
        tracked.released
        or tracked.status not in FINAL_STATUSES
        or tracked.settled_amount < tracked.filled_amount
    ):
        return False
    with transaction.atomic():
        rest = tracked.reserved_amount - tracked.consumed_amount
        if rest > 0:
            asset = (
                pair.quote_asset_id if tracked.side == TrackedOrder.Side.BUY else pair.base_asset_id
            )
            reservation_post(
                accounts=accounts,
                lock=False,
                order_id=tracked.order_id,
                asset=asset,
                amount=rest,
                idempotency_key=f"{tracked.order_id}:release:{tracked.client_order_id}",
                ref=f"client-order:{tracked.client_order_id}",
                trace_id=trace_id,
            )
        tracked.released = True
        tracked_save(tracked)
    return True


def reservation_post(
    *,
    accounts: LedgerAccounts,
    lock: bool,
    order_id: object,
    asset: UUID,
    amount: Decimal,
    idempotency_key: str,
    ref: str,
    trace_id: str,
) -> Transaction:
    """A reservation lock or release on the accounts of this tick (ledger.services)."""
    return reservation_move(
        free=accounts.order(order_id=order_id, asset=asset, purpose="on_exchange"),
        locked=accounts.order(order_id=order_id, asset=asset, purpose="locked"),
        lock=lock,
        amount=amount,
        idempotency_key=idempotency_key,
        trace_id=trace_id,
        ref=ref,
    )


def reservation_amount(*, side: str, price: Decimal, amount: Decimal) -> Decimal:
    """What a quote locks: the quote asset for a buy, the base asset for a sell."""
    return price * amount if side == TrackedOrder.Side.BUY else amount
