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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Q

from core.transactions import atomic_unflushed
from exchanges import gateway as venue
from exchanges.models import TradingPair
from executor.models import (
    FINAL_STATUSES,
    ExchangeFill,
    ExchangeOrderStatus,
    TrackedOrder,
    TradeCursor,
)
from executor.state_store import rows_insert, rows_update
from ledger.errors import InvalidPosting
from ledger.models import Account, Transaction
from ledger.services import (
    Leg,
    Posting,
    PostingOutcome,
    accounts_get_or_create_many,
    ledger_post_batch,
    order_account,
    system_account,
)

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


TRACKED_SAVED_FIELDS = (
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
)


def tracked_save(tracked: TrackedOrder) -> None:
    tracked.save(update_fields=list(TRACKED_SAVED_FIELDS))


def tracked_save_many(rows: Iterable[TrackedOrder]) -> None:
    """Save what the exchange changed of many tracked orders: one batch of UPDATEs."""
    rows_update(TrackedOrder, list({id(row): row for row in rows}.values()), TRACKED_SAVED_FIELDS)


# Every order of a tick gets these accounts on both assets of its pair at first use, so a
# tick never creates accounts one by one in the middle of its postings.
ORDER_PURPOSES = (Account.Purpose.ON_EXCHANGE, Account.Purpose.LOCKED, Account.Purpose.FEES)
AccountKey = tuple[str, str, UUID, str]


class LedgerAccounts:
    """The ledger accounts of a set of orders on one pair, read on first use in one query
    for the orders a batch posts for (`prepare`), so that a fill or a reservation does not
    look each of its accounts up again; and each order's trace id, which its postings carry.
    Only the orders that post are read: a tick with one fill among twenty orders reads that
    order's accounts, not the market's."""

    def __init__(self, *, pair: TradingPair, traces: dict[str, str] | None = None) -> None:
        self._assets = [pair.base_asset_id, pair.quote_asset_id]
        self._accounts: dict[AccountKey, Account] = {}
        self._read_orders: set[str] = set()
        self._system_read = False
        self._traces = traces or {}

    def trace(self, order_id: object, default: str) -> str:
        """The order's own trace id (its rows and postings carry it), else `default`."""
        return self._traces.get(str(order_id), default)

    def prepare(self, order_ids: Iterable[object]) -> None:
        """Read the accounts of these orders and the system's external ones (one query),
        opening any that are missing; orders read before are not read again."""
        orders = {str(order_id) for order_id in order_ids} - self._read_orders
        if not orders and self._system_read:
            return
        kinds = Account.OwnerKind
        wanted: list[AccountKey] = [
            (kinds.ORDER, order_id, asset, purpose)
            for order_id in sorted(orders)
            for asset in self._assets
            for purpose in ORDER_PURPOSES
        ]
        of_orders = Q(owner_kind=kinds.ORDER, owner_id__in=sorted(orders))
        if not self._system_read:
            wanted += [
                (kinds.SYSTEM, "", asset, Account.Purpose.EXTERNAL) for asset in self._assets
            ]
            of_orders |= Q(owner_kind=kinds.SYSTEM, purpose=Account.Purpose.EXTERNAL)
        rows = Account.objects.filter(asset__in=self._assets).filter(of_orders)
        self._accounts.update({(a.owner_kind, a.owner_id, a.asset, a.purpose): a for a in rows})
        missing = [key for key in wanted if key not in self._accounts]
        if missing:
            self._accounts.update(accounts_get_or_create_many(identities=missing))
        self._read_orders |= orders
        self._system_read = True

    def order(self, *, order_id: object, asset: UUID, purpose: str) -> Account:
        key = (Account.OwnerKind.ORDER, str(order_id), asset, purpose)
        account = self._accounts.get(key)
        if account is None:
            self.prepare([order_id])
            account = self._accounts.get(key)
        if account is None:
            account = self._accounts[key] = order_account(
                order_id=str(order_id), asset=asset, purpose=purpose
            )
        return account

    def external(self, *, asset: UUID) -> Account:
        key = (Account.OwnerKind.SYSTEM, "", asset, Account.Purpose.EXTERNAL)
        account = self._accounts.get(key)
        if account is None:
            self.prepare([])
            account = self._accounts.get(key)
        if account is None:
            account = self._accounts[key] = system_account(
                asset=asset, purpose=Account.Purpose.EXTERNAL
            )
        return account


@dataclass(frozen=True, slots=True)
class SettledFill:
    tracked_order_id: int
    fill: venue.Fill


def posted_or_raise(outcomes: list[PostingOutcome]) -> None:
    """Fills and releases follow what the exchange did: a refusal means our books and the
    exchange disagree, so the whole batch is rolled back and the tick stops there."""
    for outcome in outcomes:
        if not isinstance(outcome, Transaction):
            raise outcome


@atomic_unflushed()
def fills_settle(
    *,
    pair: TradingPair,
    api_key_id: int,
    fills: Iterable[venue.Fill],
    tracked_by_exchange_id: dict[str, TrackedOrder],
    accounts: LedgerAccounts,
    trace_id: str,
    also_save: Sequence[TrackedOrder] = (),
) -> list[SettledFill]:
    """Record and settle the fills of our tracked orders; others (and replays) are skipped.

    Advances the key's trade cursor past every fill read, ours or not. One transaction and
    one ledger batch for all of them: a commit per fill would cost a disk flush each, and a
    batch cut short is simply read again from the unchanged cursor. `also_save`: tracked
    orders the caller changed, saved in the same UPDATE as the settled ones.

    The commit does not wait for the WAL flush (core.transactions): the trades, their
    postings and the cursor go together, so a crashing database that loses them leaves the
    cursor before those trades, and the next sync reads and settles them again. Whatever
    acts on the settled balances outside (a quote's reservation, a withdrawal) commits
    synchronously first, which flushes this commit with it.
    """
    fills = list(fills)
    if not fills:
        tracked_save_many(also_save)
        return []
    known = set(
        ExchangeFill.objects.filter(
            exchange_id=pair.exchange_id,
            symbol=pair.symbol,
            trade_id__in=[fill.trade_id for fill in fills],
        ).values_list("trade_id", flat=True)
    )
    ours: list[tuple[TrackedOrder, venue.Fill]] = []
    for fill in fills:
        tracked = tracked_by_exchange_id.get(fill.exchange_order_id)
        if tracked is None:
            tracked = (
                TrackedOrder.objects.filter(api_key_id=api_key_id, symbol=pair.symbol)
                .filter(exchange_order_id=fill.exchange_order_id)
                .first()
            )
        if tracked is None:
            logger.warning(
                "a trade of an order we did not place",
                extra={"trade_id": fill.trade_id, "exchange_order_id": fill.exchange_order_id},
            )
            continue
        if fill.trade_id in known:
            continue
        known.add(fill.trade_id)
        ours.append((tracked, fill))
    accounts.prepare(tracked.order_id for tracked, _ in ours)
    planned = [
        (
            tracked,
            fill,
            fill_posting(pair, tracked, fill, accounts, accounts.trace(tracked.order_id, trace_id)),
        )
        for tracked, fill in ours
    ]
    posted_or_raise(ledger_post_batch(postings=[posting for *_, posting in planned]))
    rows = []
    for tracked, fill, posting in planned:
        given = posting.entries[1].amount  # the external leg of the asset given
        rows.append(
            ExchangeFill(
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
                ledger_key=posting.idempotency_key,
                trace_id=posting.trace_id,
            )
        )
        tracked.settled_amount += fill.amount
        tracked.consumed_amount += given
        tracked.filled_amount = max(tracked.filled_amount, tracked.settled_amount)
        if tracked.settled_amount >= tracked.amount:
            tracked.status = ST.FILLED
        tracked.updated_at = max(fill.at, tracked.updated_at)
    rows_insert(ExchangeFill, rows)
    tracked_save_many([*also_save, *(tracked for tracked, *_ in planned)])
    cursor = TradeCursor.objects.filter(api_key_id=api_key_id, symbol=pair.symbol)
    if not cursor.update(last_trade_id=fills[-1].trade_id):
        TradeCursor.objects.create(
            api_key_id=api_key_id, symbol=pair.symbol, last_trade_id=fills[-1].trade_id
        )
    return [SettledFill(tracked.pk, fill) for tracked, fill, _ in planned]


def fill_posting(
    pair: TradingPair,
    tracked: TrackedOrder,
    fill: venue.Fill,
    accounts: LedgerAccounts,
    trace_id: str,
) -> Posting:
    """One trade's `fill_settle`: the asset given leaves `locked`, the asset got arrives in
    `on_exchange`, the fee goes to `fees`. The second entry is always the external leg of
    the asset given (fills_settle reads the amount spent from it)."""
    order_id = str(tracked.order_id)
    cost = fill.price * fill.amount
    buying = tracked.side == TrackedOrder.Side.BUY
    given_asset, got_asset = (
        (pair.quote_asset_id, pair.base_asset_id)
        if buying
        else (pair.base_asset_id, pair.quote_asset_id)
    )
    given, got = (cost, fill.amount) if buying else (fill.amount, cost)
    entries = [
        Leg(accounts.order(order_id=order_id, asset=given_asset, purpose="locked"), -given),
        Leg(accounts.external(asset=given_asset), given),
        Leg(accounts.external(asset=got_asset), -got),
    ]
    pair_assets = {pair.base_symbol: pair.base_asset_id, pair.quote_symbol: pair.quote_asset_id}
    fee_paid_in = pair_assets.get(fill.fee_asset) if fill.fee > 0 else None
    got_kept = got - fill.fee if fee_paid_in == got_asset else got
    entries.append(
        Leg(accounts.order(order_id=order_id, asset=got_asset, purpose="on_exchange"), got_kept)
    )
    if fee_paid_in is not None:
        if fee_paid_in == given_asset:
            entries.append(
                Leg(
                    accounts.order(order_id=order_id, asset=given_asset, purpose="on_exchange"),
                    -fill.fee,
                )
            )
        entries.append(
            Leg(accounts.order(order_id=order_id, asset=fee_paid_in, purpose="fees"), fill.fee)
        )
    elif fill.fee > 0:
        entries += third_asset_fee_legs(pair, order_id, fill, accounts)
    return Posting(
        idempotency_key=f"{order_id}:fill:{fill.trade_id}",
        code=Transaction.Code.FILL_SETTLE,
        entries=entries,
        trace_id=trace_id,
        ref=f"trade:{fill.trade_id}",
    )


def third_asset_fee_legs(
    pair: TradingPair, order_id: str, fill: venue.Fill, accounts: LedgerAccounts
) -> list[Leg]:
    """A fee the exchange took in an asset of neither side (a venue token) came out of the
    API key's own holding of it, never out of the order's funds: the order's `fees` account
    in that asset records the expense, the asset's external account the other side."""
    asset = fee_asset_id(pair, fill.fee_asset)
    if asset is None:
        logger.warning(
            "fee in an asset without a Mixin asset id; recorded on the fill only",
            extra={"asset": fill.fee_asset, "trade_id": fill.trade_id},
        )
        return []
    return [
        Leg(accounts.order(order_id=order_id, asset=asset, purpose="fees"), fill.fee),
        Leg(accounts.external(asset=asset), -fill.fee),
    ]


def fee_asset_id(pair: TradingPair, symbol: str) -> UUID | None:
    """The Mixin asset id of a symbol on the pair's exchange, from any pair listing it."""
    listed = (
        TradingPair.objects.filter(
            Q(base_symbol=symbol) | Q(quote_symbol=symbol), exchange_id=pair.exchange_id
        )
        .values_list("base_symbol", "base_asset_id", "quote_asset_id")
        .first()
    )
    if listed is None:
        return None
    base, base_id, quote_id = listed
    return base_id if base == symbol else quote_id


def releasable(tracked: Iterable[TrackedOrder]) -> list[TrackedOrder]:
    """The orders whose reservation's rest goes back now: final, fully settled, not yet
    released."""
    return [
        t
        for t in tracked
        if not t.released and t.status in FINAL_STATUSES and t.settled_amount >= t.filled_amount
    ]


def reservations_release_done(
    *, pair: TradingPair, tracked: Iterable[TrackedOrder], accounts: LedgerAccounts, trace_id: str
) -> list[TrackedOrder]:
    """Release, in one ledger batch, the unspent reservation of every order that is final
    and fully settled; returns the orders released."""
    done = releasable(tracked)
    if not done:
        return []
    # Unflushed (core.transactions): a release lost with a crashing database is posted
    # again by the next tick, which finds the order final, settled and not released.
    with atomic_unflushed():
        return _releases_post(done, pair=pair, accounts=accounts, trace_id=trace_id)


def _releases_post(
    done: list[TrackedOrder], *, pair: TradingPair, accounts: LedgerAccounts, trace_id: str
) -> list[TrackedOrder]:
    postings = []
    accounts.prepare(t.order_id for t in done if t.reserved_amount > t.consumed_amount)
    for t in done:
        rest = t.reserved_amount - t.consumed_amount
        if rest > 0:
            asset = pair.quote_asset_id if t.side == TrackedOrder.Side.BUY else pair.base_asset_id
            postings.append(
                reservation_posting(
                    accounts=accounts,
                    lock=False,
                    order_id=t.order_id,
                    asset=asset,
                    amount=rest,
                    idempotency_key=f"{t.order_id}:release:{t.client_order_id}",
                    ref=f"client-order:{t.client_order_id}",
                    trace_id=accounts.trace(t.order_id, trace_id),
                )
            )
        t.released = True
    posted_or_raise(ledger_post_batch(postings=postings))
    tracked_save_many(done)
    return done


def reservation_posting(
    *,
    accounts: LedgerAccounts,
    lock: bool,
    order_id: object,
    asset: UUID,
    amount: Decimal,
    idempotency_key: str,
    ref: str,
    trace_id: str,
) -> Posting:
    """A reservation lock or release on the accounts of this tick (on_exchange ↔ locked)."""
    if amount <= 0:
        raise InvalidPosting("a reservation amount must be positive")
    free = accounts.order(order_id=order_id, asset=asset, purpose="on_exchange")
    locked = accounts.order(order_id=order_id, asset=asset, purpose="locked")
    source, target = (free, locked) if lock else (locked, free)
    return Posting(
        idempotency_key=idempotency_key,
        code=Transaction.Code.RESERVE_LOCK if lock else Transaction.Code.RESERVE_RELEASE,
        entries=[Leg(source, amount.copy_negate()), Leg(target, amount)],
        trace_id=trace_id,
        ref=ref,
    )


def reservation_amount(*, side: str, price: Decimal, amount: Decimal) -> Decimal:
    """What a quote locks: the quote asset for a buy, the base asset for a sell."""
    return price * amount if side == TrackedOrder.Side.BUY else amount
