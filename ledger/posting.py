"""How a posting reaches the database: validation, content hash, and the two paths.

Every posting is validated completely in Python before anything is written (amounts are
Decimals within the money field's scale, every asset balances, the header is well formed).
Then:
- on PostgreSQL one call of a server-side function (ledger migration 0003) locks the
  balances in account-id order, looks the key up under the locks, refuses an overdraft and
  inserts the transaction and its entries: one round trip per posting, or per batch;
- on SQLite (tests, the embedded demo) the same steps run as ORM statements, and the
  service writes the balances (SQLite's DECIMAL is a float; docs/ledger.md).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import DatabaseError, IntegrityError, connection, transaction

from core import context
from core.batch_sql import number_array, text_array, uuid_array
from core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from ledger.errors import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    Unbalanced,
)
from ledger.models import Account, Balance, Entry, Transaction

if TYPE_CHECKING:
    from ledger.services import Leg

# Sums of in-range amounts need at most ~40 digits; trapping Inexact turns any rounding
# into an error instead of a silently wrong balance.
EXACT = Context(prec=80, traps=[Inexact, InvalidOperation])
AMOUNT_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
QUANTUM = Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)
ZERO = Decimal(0)
# SQLite keeps DECIMAL columns as 64-bit floats: beyond 15 significant digits the stored
# value is not the posted one.
SQLITE_SIGNIFICANT_DIGITS = 15
# Read once: the enum's `.values` builds a new list on every call (a batch checks hundreds).
CODES = frozenset(Transaction.Code.values)


@dataclass(frozen=True)
class Checked:
    """A validated posting, ready for either database path."""

    idempotency_key: str
    code: str
    legs: Sequence[Leg]
    trace_id: str
    ref: str
    reverses: Transaction | None
    reason: str
    content_hash: str

    def sorted_legs(self) -> list[Leg]:
        return sorted(self.legs, key=lambda leg: leg.account.pk)

    def header(self) -> list[Any]:
        """The transaction row's own values, in its column order between id and created_at
        (the posting functions take them in the same order)."""
        reverses = self.reverses
        return [
            self.idempotency_key,
            self.content_hash,
            self.code,
            self.trace_id,
            self.ref,
            reverses.pk if reverses is not None else None,
            self.reason,
        ]


def checked(
    *,
    idempotency_key: str,
    code: str,
    legs: Sequence[Leg],
    trace_id: str,
    ref: str,
    reverses: Transaction | None = None,
    reason: str = "",
    sqlite: bool | None = None,
) -> Checked:
    """Validate a posting completely; raises InvalidPosting / Unbalanced. `sqlite`: whether
    the database is SQLite, when the caller knows (a batch asks once, not per posting)."""
    check_header(idempotency_key=idempotency_key, code=code, trace_id=trace_id, ref=ref)
    check_legs(legs, sqlite=connection.vendor == "sqlite" if sqlite is None else sqlite)
    return Checked(
        idempotency_key=idempotency_key,
        code=code,
        legs=legs,
        trace_id=trace_id,
        ref=ref,
        reverses=reverses,
        reason=reason,
        content_hash=content_hash(code=code, ref=ref, legs=legs, reverses=reverses),
    )


def check_header(*, idempotency_key: str, code: str, trace_id: str, ref: str) -> None:
    if not idempotency_key or len(idempotency_key) > 200:
        raise InvalidPosting("an idempotency key of 1 to 200 characters is required")
    if code not in CODES:
        raise InvalidPosting(f"unknown transaction code {code!r}")
    if not context.is_valid_trace_id(trace_id):
        raise InvalidPosting(f"{trace_id!r} is not a trace id")
    if len(ref) > 200:
        raise InvalidPosting("a ref is at most 200 characters")


def check_legs(legs: Sequence[Leg], *, sqlite: bool) -> None:
    from ledger.services import Leg

    if len(legs) < 2:
        raise InvalidPosting("a transaction needs at least two entries")
    per_asset: dict[UUID, Decimal] = {}
    for leg in legs:
        if not isinstance(leg, Leg):
            raise InvalidPosting(f"entries are Leg values, not {type(leg).__name__}")
        account, amount = leg.account, leg.amount
        if not isinstance(account, Account) or account.pk is None:
            raise InvalidPosting("every leg needs a saved account")
        check_amount(amount, sqlite=sqlite)
        if amount == 0:
            raise InvalidPosting("an entry of zero moves nothing; leave it out")
        # EXACT.add rather than a localcontext per leg: the same exact sum, a batch's
        # hundreds of legs without entering a context each.
        per_asset[account.asset] = EXACT.add(per_asset.get(account.asset, ZERO), amount)
    unbalanced = {str(asset): str(total) for asset, total in per_asset.items() if total != 0}
    if unbalanced:
        raise Unbalanced(
            "the entries do not sum to zero per asset", detail={"sum_by_asset": unbalanced}
        )


def check_amount(amount: object, *, sqlite: bool | None = None) -> None:
    if not isinstance(amount, Decimal):
        raise InvalidPosting(f"amounts are Decimals, not {type(amount).__name__}")
    if not amount.is_finite():
        raise InvalidPosting(f"{amount} is not a finite amount")
    check_storable(amount, sqlite=sqlite)
    try:
        amount.quantize(QUANTUM, context=EXACT)
    except Inexact:
        raise InvalidPosting(
            f"{amount} has more than {MONEY_DECIMAL_PLACES} decimal places"
        ) from None


def check_storable(amount: Decimal, *, sqlite: bool | None = None) -> None:
    """`sqlite`: whether the database is SQLite, when the caller knows (None: look it up)."""
    if amount.copy_abs() >= AMOUNT_LIMIT:
        raise InvalidPosting(f"{amount} is outside the ledger's range (below {AMOUNT_LIMIT})")
    if sqlite is None:
        sqlite = connection.vendor == "sqlite"
    if sqlite:
        digits = len(amount.normalize(context=EXACT).as_tuple().digits)
        if digits > SQLITE_SIGNIFICANT_DIGITS:
            raise InvalidPosting(
                f"{amount} has {digits} significant digits; SQLite stores "
                f"{SQLITE_SIGNIFICANT_DIGITS} (use PostgreSQL for such amounts)"
            )


def content_hash(*, code: str, ref: str, legs: Sequence[Leg], reverses: Transaction | None) -> str:
    """What a retry must repeat: code, ref, reversed transaction and entries (any order).

    The trace id is left out: a retry from a later job run carries a new one.

    The hashed text is json.dumps({"code", "ref", "reverses", "entries": sorted [account id,
    amount] pairs}, separators=(",", ":")), as stored with every transaction; written here
    directly (json builds an encoder per call, half the cost of a batch's hashing): the
    strings are escaped by json's own function, the ids are ints and the amounts plain
    decimal digits, which JSON takes as they are.
    """
    entries = sorted(
        (leg.account.pk, format(leg.amount.normalize(context=EXACT), "f")) for leg in legs
    )
    text = (
        f'{{"code":{encode_basestring_ascii(code)},"ref":{encode_basestring_ascii(ref)},'
        f'"reverses":{"null" if reverses is None else reverses.pk},"entries":['
        + ",".join(f'[{account},"{amount}"]' for account, amount in entries)
        + "]}"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def insufficient(account_id: int, balance: Decimal, change: Decimal) -> InsufficientBalance:
    return InsufficientBalance(
        f"account {account_id} holds {balance}, cannot move {change}",
        detail={"account": account_id, "balance": str(balance), "change": str(change)},
    )


def conflict(idempotency_key: str, transaction_id: int) -> IdempotencyConflict:
    return IdempotencyConflict(
        f"idempotency key {idempotency_key!r} was used for a different posting",
        detail={"idempotency_key": idempotency_key, "transaction": transaction_id},
    )


# The order Model.from_db takes a Transaction's values in (posted_row lists them so).
TRANSACTION_FIELDS = [field.attname for field in Transaction._meta.concrete_fields]
assert TRANSACTION_FIELDS == [
    "id",
    "idempotency_key",
    "content_hash",
    "code",
    "trace_id",
    "ref",
    "reverses_id",
    "reason",
    "created_at",
], TRANSACTION_FIELDS


def posted_row(posting: Checked, transaction_id: int, at: datetime, alias: str) -> Transaction:
    """The Transaction just inserted by a server-side function, without reading it back.
    Built the way a query builds its rows (positional from_db; a batch builds hundreds, so
    the caller reads the connection's alias once)."""
    row = Transaction.from_db(alias, TRANSACTION_FIELDS, [transaction_id, *posting.header(), at])
    if posting.reverses is not None:
        row.reverses = posting.reverses
    return row


# The posting functions take their rows as arrays, written by core.batch_sql (psycopg would
# quote them element by element in Python: about 5 ms for a batch of 200 postings).


# -- PostgreSQL: one call per posting or per batch -------------------------------------------


def call_function(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a posting function; a database error inside an outer transaction spoils it
    (no savepoint was taken), so that transaction is marked for rollback."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
    except DatabaseError:
        if connection.in_atomic_block:
            transaction.set_rollback(True)
        raise


def post_one_postgres(posting: Checked, at: datetime) -> Transaction:
    """One posting, one statement. Outside a transaction the statement is its own commit;
    inside one, the refusals come back as status rows, so no savepoint is needed."""
    legs = posting.sorted_legs()
    [(status, tx_id, tx_hash, account_id, balance, change)] = call_function(
        "SELECT * FROM ledger_post_one(%s, %s, %s, %s, %s, %s, %s, %s, "
        "%s::bigint[], %s::uuid[], %s::numeric[])",
        [
            *posting.header(),
            at,
            number_array(leg.account.pk for leg in legs),
            uuid_array(leg.account.asset for leg in legs),
            number_array(leg.amount for leg in legs),
        ],
    )
    if status == "posted":
        return posted_row(posting, tx_id, at, connection.alias)
    if status == "exists":
        if tx_hash != posting.content_hash:
            raise conflict(posting.idempotency_key, tx_id)
        return Transaction.objects.get(pk=tx_id)
    if status == "already_reversed":
        reverses = posting.reverses
        assert reverses is not None
        raise AlreadyReversed(
            f"transaction #{reverses.pk} is already reversed", detail={"transaction": reverses.pk}
        )
    raise insufficient(account_id, balance, change)


def post_batch_postgres(
    postings: Sequence[Checked], at: datetime
) -> list[Transaction | InsufficientBalance | IdempotencyConflict]:
    first: list[int] = []
    count: list[int] = []
    legs: list[Leg] = []
    for posting in postings:
        first.append(len(legs) + 1)
        sorted_legs = posting.sorted_legs()
        count.append(len(sorted_legs))
        legs += sorted_legs
    rows = call_function(
        "SELECT * FROM ledger_post_batch(%s::text[], %s::text[], %s::text[], %s::text[], "
        "%s::text[], %s, %s::int[], %s::int[], %s::bigint[], %s::uuid[], %s::numeric[])",
        [
            text_array(p.idempotency_key for p in postings),
            text_array(p.content_hash for p in postings),
            text_array(p.code for p in postings),
            text_array(p.trace_id for p in postings),
            text_array(p.ref for p in postings),
            at,
            number_array(first),
            number_array(count),
            number_array(leg.account.pk for leg in legs),
            uuid_array(leg.account.asset for leg in legs),
            number_array(leg.amount for leg in legs),
        ],
    )
    results: list[Transaction | InsufficientBalance | IdempotencyConflict] = []
    alias = connection.alias
    replayed = {tx_id for _, status, tx_id, *_ in rows if status == "exists"}
    existing = Transaction.objects.in_bulk(list(replayed)) if replayed else {}
    for (index, status, tx_id, tx_hash, account_id, balance, change), posting in zip(
        rows, postings, strict=True
    ):
        assert index == len(results) + 1
        if status == "posted":
            results.append(posted_row(posting, tx_id, at, alias))
        elif status == "exists":
            if tx_hash == posting.content_hash:
                results.append(existing[tx_id])
            else:
                results.append(conflict(posting.idempotency_key, tx_id))
        else:
            results.append(insufficient(account_id, balance, change))
    return results


# -- SQLite (and any other database): the same steps as ORM statements -----------------------


def post_one_orm(posting: Checked, at: datetime) -> Transaction:
    """Lock, look up, check, insert; the service writes the new balances."""
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    with localcontext(EXACT):
        for leg in posting.legs:
            deltas[leg.account.pk] += leg.amount
    balances = {
        balance.account_id: balance
        for balance in Balance.objects.select_for_update()
        .filter(account_id__in=deltas)
        .order_by("account_id")
    }
    key, reverses = posting.idempotency_key, posting.reverses
    existing = _replayed(posting)
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
                idempotency_key=key,
                content_hash=posting.content_hash,
                code=posting.code,
                trace_id=posting.trace_id,
                ref=posting.ref,
                reverses=reverses,
                reason=posting.reason,
                created_at=at,
            )
    except IntegrityError:
        # Lost a race on the key (or on reversing the same transaction) to a poster whose
        # accounts did not overlap ours, so the locks above did not serialise us.
        existing = _replayed(posting)
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
        for leg in posting.sorted_legs()
    )
    for account_id, amount in new_amounts.items():
        Balance.objects.filter(account_id=account_id).update(amount=amount)
    return posted


def _replayed(posting: Checked) -> Transaction | None:
    try:
        existing = Transaction.objects.get(idempotency_key=posting.idempotency_key)
    except Transaction.DoesNotExist:
        return None
    if existing.content_hash != posting.content_hash:
        raise conflict(posting.idempotency_key, existing.pk)
    return existing


def _new_balances(balances: dict[int, Balance], deltas: dict[int, Decimal]) -> dict[int, Decimal]:
    new_amounts = {}
    for account_id, delta in deltas.items():
        balance = balances.get(account_id)
        if balance is None:
            raise InvalidPosting(f"account {account_id} has no balance row")
        with localcontext(EXACT):
            new_amount = balance.amount + delta
        if new_amount < 0 and not balance.may_go_negative:
            raise insufficient(account_id, balance.amount, delta)
        check_storable(new_amount)
        new_amounts[account_id] = new_amount
    return new_amounts
