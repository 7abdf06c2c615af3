"""The only way to write to the ledger: accounts on demand, postings, reversals, reservations.

A posting is validated completely before anything is written: amounts are Decimals within
the money field's scale, every asset balances, the idempotency key is either new or names
a posting with the same content. The balances it touches are then locked in account-id
order (so concurrent posters never deadlock) and no account that must stay non-negative
may end below zero.
"""

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from uuid import UUID

from django.db import IntegrityError, connection, transaction

from core import context
from core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from ledger.errors import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    Unbalanced,
)
from ledger.models import Account, Balance, Entry, Transaction

logger = logging.getLogger(__name__)

# Sums of in-range amounts need at most ~40 digits; trapping Inexact turns any rounding
# into an error instead of a silently wrong balance.
EXACT = Context(prec=80, traps=[Inexact, InvalidOperation])
AMOUNT_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
QUANTUM = Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)
# SQLite keeps DECIMAL columns as 64-bit floats: beyond 15 significant digits the stored
# value is not the posted one.
SQLITE_SIGNIFICANT_DIGITS = 15


@dataclass(frozen=True)
class Leg:
    """One side of a posting: `amount` is added to `account`'s balance (negative = out)."""

    account: Account
    amount: Decimal


def asset_id(asset: UUID | str) -> UUID:
    try:
        return asset if isinstance(asset, UUID) else UUID(str(asset))
    except ValueError:
        raise InvalidPosting(f"{asset!r} is not a Mixin asset id (a UUID).") from None


def account_get_or_create(
    *, owner_kind: str, owner_id: str, asset: UUID | str, purpose: str
) -> Account:
    """The account for (owner, asset, purpose), created with its balance on first use.

    Safe under concurrency: a losing concurrent insert hits the unique constraint inside a
    savepoint and reads the winner's row instead.
    """
    if owner_kind not in Account.OwnerKind.values:
        raise InvalidPosting(f"unknown account owner kind {owner_kind!r}")
    if purpose not in Account.Purpose.values:
        raise InvalidPosting(f"unknown account purpose {purpose!r}")
    if (owner_kind == Account.OwnerKind.SYSTEM) != (owner_id == ""):
        raise InvalidPosting("system accounts have an empty owner id; all others need one")
    identity = {
        "owner_kind": owner_kind,
        "owner_id": owner_id,
        "asset": asset_id(asset),
        "purpose": purpose,
    }
    account = Account.objects.filter(**identity).first()
    if account is not None:
        return account
    may_go_negative = purpose == Account.Purpose.EXTERNAL
    try:
        with transaction.atomic():
            account = Account.objects.create(**identity, may_go_negative=may_go_negative)
            Balance.objects.create(
                account=account, asset=account.asset, may_go_negative=may_go_negative
            )
    except IntegrityError:
        account = Account.objects.filter(**identity).first()
        if account is None:
            raise
    return account


def order_account(*, order_id: str, asset: UUID | str, purpose: str) -> Account:
    return account_get_or_create(
        owner_kind=Account.OwnerKind.ORDER, owner_id=str(order_id), asset=asset, purpose=purpose
    )


def system_account(*, asset: UUID | str, purpose: str) -> Account:
    return account_get_or_create(
        owner_kind=Account.OwnerKind.SYSTEM, owner_id="", asset=asset, purpose=purpose
    )


@transaction.atomic
def ledger_post(
    *,
    idempotency_key: str,
    code: str,
    entries: Sequence[Leg],
    trace_id: str,
    ref: str | None = None,
) -> Transaction:
    """Post one balanced transaction, or return the one already posted under this key.

    Raises InvalidPosting / Unbalanced for a malformed posting, IdempotencyConflict when the
    key was used for different content, InsufficientBalance on an overdraft; nothing is
    written in any of those cases.
    """
    if code == Transaction.Code.REVERSAL:
        raise InvalidPosting("reversals are posted with ledger_reverse")
    return _post(
        idempotency_key=idempotency_key,
        code=code,
        legs=entries,
        trace_id=trace_id,
        ref=ref or "",
        reverses=None,
        reason="",
    )


@transaction.atomic
def ledger_reverse(*, transaction: Transaction, idempotency_key: str, reason: str) -> Transaction:
    """Undo a transaction with a new one carrying the opposite entries (never an edit).

    The reversal carries the current trace id, or the original's when none is bound.
    """
    if not reason.strip():
        raise InvalidPosting("a reversal needs a reason")
    original = transaction
    legs = [
        Leg(account=entry.account, amount=entry.amount.copy_negate())
        for entry in original.entries.select_related("account")
    ]
    return _post(
        idempotency_key=idempotency_key,
        code=Transaction.Code.REVERSAL,
        legs=legs,
        trace_id=context.current_trace_id() or original.trace_id,
        ref=original.ref,
        reverses=original,
        reason=reason,
    )


def reservation_lock(
    *,
    order_id: str,
    asset: UUID | str,
    amount: Decimal,
    idempotency_key: str,
    trace_id: str,
    ref: str | None = None,
) -> Transaction:
    """Reserve an order's free exchange funds (on_exchange → locked) for an open order."""
    return reservation_move(
        **_reservation_accounts(order_id=order_id, asset=asset),
        lock=True,
        amount=amount,
        idempotency_key=idempotency_key,
        trace_id=trace_id,
        ref=ref,
    )


def reservation_release(
    *,
    order_id: str,
    asset: UUID | str,
    amount: Decimal,
    idempotency_key: str,
    trace_id: str,
    ref: str | None = None,
) -> Transaction:
    """Give back what a cancelled or finished exchange order held (locked → on_exchange)."""
    return reservation_move(
        **_reservation_accounts(order_id=order_id, asset=asset),
        lock=False,
        amount=amount,
        idempotency_key=idempotency_key,
        trace_id=trace_id,
        ref=ref,
    )


@transaction.atomic
def _reservation_accounts(*, order_id: str, asset: UUID | str) -> dict[str, Account]:
    return {
        "free": order_account(order_id=order_id, asset=asset, purpose=Account.Purpose.ON_EXCHANGE),
        "locked": order_account(order_id=order_id, asset=asset, purpose=Account.Purpose.LOCKED),
    }


def reservation_move(
    *,
    free: Account,
    locked: Account,
    lock: bool,
    amount: Decimal,
    idempotency_key: str,
    trace_id: str,
    ref: str | None,
) -> Transaction:
    """The posting behind reservation_lock / reservation_release, for a caller that has the
    order's `on_exchange` and `locked` accounts at hand (the executor, per tick)."""
    _check_amount(amount)
    if amount <= 0:
        raise InvalidPosting("a reservation amount must be positive")
    source, target = (free, locked) if lock else (locked, free)
    return ledger_post(
        idempotency_key=idempotency_key,
        code=Transaction.Code.RESERVE_LOCK if lock else Transaction.Code.RESERVE_RELEASE,
        entries=[Leg(source, amount.copy_negate()), Leg(target, amount)],
        trace_id=trace_id,
        ref=ref,
    )


def _post(
    *,
    idempotency_key: str,
    code: str,
    legs: Sequence[Leg],
    trace_id: str,
    ref: str,
    reverses: Transaction | None,
    reason: str,
) -> Transaction:
    _check_header(idempotency_key=idempotency_key, code=code, trace_id=trace_id, ref=ref)
    _check_legs(legs)
    content_hash = _content_hash(code=code, ref=ref, legs=legs, reverses=reverses)

    deltas: dict[int, Decimal] = defaultdict(Decimal)
    with localcontext(EXACT):
        for leg in legs:
            deltas[leg.account.pk] += leg.amount
    balances = {
        balance.account_id: balance
        for balance in Balance.objects.select_for_update()
        .filter(account_id__in=deltas)
        .order_by("account_id")
    }
    # Looked up under the locks: a concurrent post of the same content held them until it
    # committed, so a retry racing its original finds it here.
    existing = _replayed(idempotency_key, content_hash)
    if existing is not None:
        return existing
    if reverses is not None and Transaction.objects.filter(reverses=reverses).exists():
        raise AlreadyReversed(
            f"transaction #{reverses.pk} is already reversed", detail={"transaction": reverses.pk}
        )
    new_amounts = _new_balances(balances, deltas)

    try:
        with transaction.atomic():
            posted = Transaction.objects.create(
                idempotency_key=idempotency_key,
                content_hash=content_hash,
                code=code,
                trace_id=trace_id,
                ref=ref,
                reverses=reverses,
                reason=reason,
            )
    except IntegrityError:
        # Lost a race on the key (or on reversing the same transaction) to a poster whose
        # accounts did not overlap ours, so the locks above did not serialise us.
        existing = _replayed(idempotency_key, content_hash)
        if existing is not None:
            return existing
        if reverses is not None and Transaction.objects.filter(reverses=reverses).exists():
            raise AlreadyReversed(f"transaction #{reverses.pk} is already reversed") from None
        raise
    Entry.objects.bulk_create(
        Entry(
            transaction=posted,
            account_id=leg.account.pk,
            asset=leg.account.asset,
            amount=leg.amount,
        )
        for leg in sorted(legs, key=lambda leg: leg.account.pk)
    )
    if connection.vendor != "postgresql":
        # PostgreSQL moves balances in its entry trigger; elsewhere this service does.
        for account_id, amount in new_amounts.items():
            Balance.objects.filter(account_id=account_id).update(amount=amount)
    with context.bound(trace_id=trace_id):
        logger.info(
            "ledger transaction posted",
            extra={
                "ledger_transaction": posted.pk,
                "code": code,
                "idempotency_key": idempotency_key,
            },
        )
    return posted


def _check_header(*, idempotency_key: str, code: str, trace_id: str, ref: str) -> None:
    if not idempotency_key or len(idempotency_key) > 200:
        raise InvalidPosting("an idempotency key of 1 to 200 characters is required")
    if code not in Transaction.Code.values:
        raise InvalidPosting(f"unknown transaction code {code!r}")
    if not context.is_valid_trace_id(trace_id):
        raise InvalidPosting(f"{trace_id!r} is not a trace id")
    if len(ref) > 200:
        raise InvalidPosting("a ref is at most 200 characters")


def _check_legs(legs: Sequence[Leg]) -> None:
    if len(legs) < 2:
        raise InvalidPosting("a transaction needs at least two entries")
    per_asset: dict[UUID, Decimal] = defaultdict(Decimal)
    for leg in legs:
        if not isinstance(leg, Leg):
            raise InvalidPosting(f"entries are Leg values, not {type(leg).__name__}")
        if not isinstance(leg.account, Account) or leg.account.pk is None:
            raise InvalidPosting("every leg needs a saved account")
        _check_amount(leg.amount)
        if leg.amount == 0:
            raise InvalidPosting("an entry of zero moves nothing; leave it out")
        with localcontext(EXACT):
            per_asset[leg.account.asset] += leg.amount
    unbalanced = {str(asset): str(total) for asset, total in per_asset.items() if total != 0}
    if unbalanced:
        raise Unbalanced(
            "the entries do not sum to zero per asset", detail={"sum_by_asset": unbalanced}
        )


def _check_amount(amount: object) -> None:
    if not isinstance(amount, Decimal):
        raise InvalidPosting(f"amounts are Decimals, not {type(amount).__name__}")
    if not amount.is_finite():
        raise InvalidPosting(f"{amount} is not a finite amount")
    _check_storable(amount)
    try:
        amount.quantize(QUANTUM, context=EXACT)
    except Inexact:
        raise InvalidPosting(
            f"{amount} has more than {MONEY_DECIMAL_PLACES} decimal places"
        ) from None


def _check_storable(amount: Decimal) -> None:
    if amount.copy_abs() >= AMOUNT_LIMIT:
        raise InvalidPosting(f"{amount} is outside the ledger's range (below {AMOUNT_LIMIT})")
    if connection.vendor == "sqlite":
        digits = len(amount.normalize(context=EXACT).as_tuple().digits)
        if digits > SQLITE_SIGNIFICANT_DIGITS:
            raise InvalidPosting(
                f"{amount} has {digits} significant digits; SQLite stores "
                f"{SQLITE_SIGNIFICANT_DIGITS} (use PostgreSQL for such amounts)"
            )


def _new_balances(balances: dict[int, Balance], deltas: dict[int, Decimal]) -> dict[int, Decimal]:
    new_amounts = {}
    for account_id, delta in deltas.items():
        balance = balances.get(account_id)
        if balance is None:
            raise InvalidPosting(f"account {account_id} has no balance row")
        with localcontext(EXACT):
            new_amount = balance.amount + delta
        if new_amount < 0 and not balance.may_go_negative:
            raise InsufficientBalance(
                f"account {account_id} holds {balance.amount}, cannot move {delta}",
                detail={
                    "account": account_id,
                    "balance": str(balance.amount),
                    "change": str(delta),
                },
            )
        _check_storable(new_amount)
        new_amounts[account_id] = new_amount
    return new_amounts


def _content_hash(*, code: str, ref: str, legs: Sequence[Leg], reverses: Transaction | None) -> str:
    """What a retry must repeat: code, ref, reversed transaction and entries (any order).

    The trace id is left out: a retry from a later job run carries a new one.
    """
    content = {
        "code": code,
        "ref": ref,
        "reverses": reverses.pk if reverses is not None else None,
        "entries": sorted(
            [leg.account.pk, format(leg.amount.normalize(context=EXACT), "f")] for leg in legs
        ),
    }
    return hashlib.sha256(json.dumps(content, separators=(",", ":")).encode()).hexdigest()


def _replayed(idempotency_key: str, content_hash: str) -> Transaction | None:
    try:
        existing = Transaction.objects.get(idempotency_key=idempotency_key)
    except Transaction.DoesNotExist:
        return None
    if existing.content_hash != content_hash:
        raise IdempotencyConflict(
            f"idempotency key {idempotency_key!r} was used for a different posting",
            detail={"idempotency_key": idempotency_key, "transaction": existing.pk},
        )
    return existing
