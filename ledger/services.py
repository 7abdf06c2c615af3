"""The only way to write to the ledger: accounts on demand, postings, reversals, reservations.

A posting is validated completely before anything is written: amounts are Decimals within
the money field's scale, every asset balances, the idempotency key is either new or names
a posting with the same content. The balances it touches are then locked in account-id
order (so concurrent posters never deadlock) and no account that must stay non-negative
may end below zero.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import context
from ledger import posting
from ledger.errors import IdempotencyConflict, InsufficientBalance, InvalidPosting
from ledger.models import Account, Balance, Transaction
from ledger.posting import check_amount, checked

logger = logging.getLogger(__name__)


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
    _identity_check(owner_kind=owner_kind, owner_id=owner_id, purpose=purpose)
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


def accounts_get_or_create_many(
    *, identities: Iterable[tuple[str, str, UUID, str]]
) -> dict[tuple[str, str, UUID, str], Account]:
    """account_get_or_create for many (owner kind, owner id, asset, purpose) at once: one
    read, and for the missing ones one insert of accounts and one of balances.

    Safe under concurrency: an account another worker inserts first is skipped by the
    insert (its balance came in the same transaction) and read back like the others.
    """
    wanted: dict[tuple[str, str, UUID, str], None] = {}
    for owner_kind, owner_id, asset, purpose in identities:
        _identity_check(owner_kind=owner_kind, owner_id=owner_id, purpose=purpose)
        wanted[(owner_kind, owner_id, asset_id(asset), purpose)] = None
    if not wanted:
        return {}

    def read() -> dict[tuple[str, str, UUID, str], Account]:
        rows = Account.objects.filter(
            owner_id__in={key[1] for key in wanted}, asset__in={key[2] for key in wanted}
        )
        found = {(a.owner_kind, a.owner_id, a.asset, a.purpose): a for a in rows}
        return {key: found[key] for key in wanted if key in found}

    found = read()
    missing = [key for key in wanted if key not in found]
    if not missing:
        return found
    with transaction.atomic(savepoint=False):
        Account.objects.bulk_create(
            [
                Account(
                    owner_kind=kind,
                    owner_id=owner,
                    asset=asset,
                    purpose=purpose,
                    may_go_negative=purpose == Account.Purpose.EXTERNAL,
                )
                for kind, owner, asset, purpose in missing
            ],
            ignore_conflicts=True,
        )
        found = read()
        Balance.objects.bulk_create(
            [
                Balance(account=found[key], asset=key[2], may_go_negative=key[3] == "external")
                for key in missing
            ],
            ignore_conflicts=True,
        )
    return found


def _identity_check(*, owner_kind: str, owner_id: str, purpose: str) -> None:
    if owner_kind not in Account.OwnerKind.values:
        raise InvalidPosting(f"unknown account owner kind {owner_kind!r}")
    if purpose not in Account.Purpose.values:
        raise InvalidPosting(f"unknown account purpose {purpose!r}")
    if (owner_kind == Account.OwnerKind.SYSTEM) != (owner_id == ""):
        raise InvalidPosting("system accounts have an empty owner id; all others need one")


def order_account(*, order_id: str, asset: UUID | str, purpose: str) -> Account:
    return account_get_or_create(
        owner_kind=Account.OwnerKind.ORDER, owner_id=str(order_id), asset=asset, purpose=purpose
    )


def system_account(*, asset: UUID | str, purpose: str) -> Account:
    return account_get_or_create(
        owner_kind=Account.OwnerKind.SYSTEM, owner_id="", asset=asset, purpose=purpose
    )


@dataclass(frozen=True)
class Posting:
    """One posting of a batch (ledger_post_batch); the fields are ledger_post's."""

    idempotency_key: str
    code: str
    entries: Sequence[Leg]
    trace_id: str
    ref: str = ""


# What a batch says about each posting: its transaction (posted now or before under the
# same key and content), or why it was left out.
PostingOutcome = Transaction | InsufficientBalance | IdempotencyConflict


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
    written in any of those cases. Called outside a transaction it commits by itself.
    """
    if code == Transaction.Code.REVERSAL:
        raise InvalidPosting("reversals are posted with ledger_reverse")
    return _post(
        checked(
            idempotency_key=idempotency_key,
            code=code,
            legs=entries,
            trace_id=trace_id,
            ref=ref or "",
        )
    )


def ledger_post_batch(*, postings: Sequence[Posting]) -> list[PostingOutcome]:
    """Post many postings in one database transaction (one statement on PostgreSQL).

    The rule for a bad posting (docs/ledger.md, "Batches"):
    - every posting is validated before anything is written: one malformed posting
      (InvalidPosting, Unbalanced, a reversal) raises and nothing of the batch is written;
    - the postings then go in one after the other, each against the balances the earlier
      ones left; a refused one (InsufficientBalance, IdempotencyConflict) is left out and
      its error returned at its index, and the others commit;
    - a key already posted with the same content returns its transaction (a replay), also
      when an earlier posting of the same batch used it.
    """
    prepared = []
    sqlite = connection.vendor == "sqlite"
    for item in postings:
        if item.code == Transaction.Code.REVERSAL:
            raise InvalidPosting("reversals are posted with ledger_reverse")
        prepared.append(
            checked(
                idempotency_key=item.idempotency_key,
                code=item.code,
                legs=item.entries,
                trace_id=item.trace_id,
                ref=item.ref,
                sqlite=sqlite,
            )
        )
    if not prepared:
        return []
    at = timezone.now()
    # No savepoint inside a caller's transaction: on PostgreSQL refusals come back as status
    # rows, not errors, and a database error spoils the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            results = posting.post_batch_postgres(prepared, at)
        else:
            results = []
            for one in prepared:
                try:
                    with transaction.atomic():
                        results.append(posting.post_one_orm(one, at))
                except (InsufficientBalance, IdempotencyConflict) as refused:
                    results.append(refused)
    logger.info(
        "ledger batch posted",
        extra={
            "postings": len(prepared),
            "refused": sum(1 for r in results if not isinstance(r, Transaction)),
        },
    )
    return results


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
        checked(
            idempotency_key=idempotency_key,
            code=Transaction.Code.REVERSAL,
            legs=legs,
            trace_id=context.current_trace_id() or original.trace_id,
            ref=original.ref,
            reverses=original,
            reason=reason,
        )
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
    check_amount(amount)
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


def _post(one: posting.Checked) -> Transaction:
    at = timezone.now()
    if connection.vendor == "postgresql":
        posted = posting.post_one_postgres(one, at)
    else:
        with transaction.atomic():
            posted = posting.post_one_orm(one, at)
    with context.bound(trace_id=one.trace_id):
        logger.info(
            "ledger transaction posted",
            extra={
                "ledger_transaction": posted.pk,
                "code": one.code,
                "idempotency_key": one.idempotency_key,
            },
        )
    return posted
