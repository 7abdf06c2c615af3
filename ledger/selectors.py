"""Reads of the ledger: balances, statements, reconciliation and the invariant check."""

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, localcontext
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from ledger.models import Account, Balance, Entry, Transaction
from ledger.posting import EXACT
from ledger.services import asset_id

ZERO = Decimal(0)


def account_balance(*, account: Account) -> Decimal:
    return Balance.objects.only("amount").get(account=account).amount


@dataclass(frozen=True)
class OrderAssetBalances:
    """Where one asset of an order is, and what trading and fees did to it."""

    asset: UUID
    available: Decimal = ZERO  # in our Mixin wallet
    in_transit: Decimal = ZERO  # between the wallet and the exchange, either way
    on_exchange: Decimal = ZERO  # free on the exchange: can back new quotes
    locked: Decimal = ZERO  # reserved by open exchange orders
    fees_paid: Decimal = ZERO
    realized_change: Decimal = ZERO  # net of all fill settlements (and their reversals)


def order_balances(*, order_id: str) -> dict[UUID, OrderAssetBalances]:
    purposes = Account.Purpose
    field_of: dict[str, str] = {
        purposes.AVAILABLE: "available",
        purposes.IN_TRANSIT: "in_transit",
        purposes.ON_EXCHANGE: "on_exchange",
        purposes.LOCKED: "locked",
        purposes.FEES: "fees_paid",
    }
    figures: dict[UUID, dict[str, Decimal]] = defaultdict(dict)
    for purpose, asset, amount in Balance.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__owner_id=str(order_id),
        account__purpose__in=field_of,
    ).values_list("account__purpose", "asset", "amount"):
        figures[asset][field_of[purpose]] = amount
    fills = Entry.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER, account__owner_id=str(order_id)
    ).filter(
        Q(transaction__code=Transaction.Code.FILL_SETTLE)
        | Q(
            transaction__code=Transaction.Code.REVERSAL,
            transaction__reverses__code=Transaction.Code.FILL_SETTLE,
        )
    )
    for (asset,), total in exact_sums(fills, "asset").items():
        figures[asset]["realized_change"] = total
    return {asset: OrderAssetBalances(asset=asset, **values) for asset, values in figures.items()}


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    transaction_id: int
    created_at: datetime
    code: str
    idempotency_key: str
    ref: str
    amount: Decimal
    balance_after: Decimal


def account_statement(*, account: Account, limit: int = 100) -> list[StatementLine]:
    """The latest `limit` entries of an account, oldest first, with the running balance.

    The running balance is counted back from the stored balance, so reading a page costs
    the page, not the account's history. The balance row is locked while reading so that no
    posting lands between the two reads.
    """
    with transaction.atomic():
        balance = Balance.objects.select_for_update().get(account=account).amount
        rows = list(
            Entry.objects.filter(account=account)
            .order_by("-id")
            .values_list(
                "id",
                "transaction_id",
                "transaction__created_at",
                "transaction__code",
                "transaction__idempotency_key",
                "transaction__ref",
                "amount",
            )[:limit]
        )
    lines = []
    with localcontext(EXACT):
        for entry_id, tx_id, created_at, code, key, ref, amount in rows:
            lines.append(
                StatementLine(entry_id, tx_id, created_at, code, key, ref, amount, balance)
            )
            balance -= amount
    lines.reverse()
    return lines


@dataclass(frozen=True)
class ReconcileLine:
    place: str  # "mixin_wallet" or "exchange"
    asset: UUID
    ledger: Decimal
    external: Decimal
    in_transit: Decimal  # the ledger's in-flight amount, which may explain a difference

    @property
    def difference(self) -> Decimal:
        with localcontext(EXACT):
            return self.external - self.ledger


@dataclass(frozen=True)
class ReconcileReport:
    lines: list[ReconcileLine] = field(default_factory=list)

    @property
    def differences(self) -> list[ReconcileLine]:
        return [line for line in self.lines if line.difference != 0]


def reconcile_report(
    *,
    wallet_balances: Mapping[UUID | str, Decimal],
    exchange_balances: Mapping[UUID | str, Decimal],
    exchange_order_ids: Collection[str],
) -> ReconcileReport:
    """Compare the ledger with balances reported from outside; adjusts nothing.

    The Mixin wallet should hold every `available` account plus the system's revenue. An
    exchange account should hold the free and locked funds of the orders that trade on it
    (`exchange_order_ids`); callers map exchange symbols to Mixin asset ids first.
    """
    purposes = Account.Purpose
    order_ids = [str(order_id) for order_id in exchange_order_ids]
    order_accounts = Q(account__owner_kind=Account.OwnerKind.ORDER, account__owner_id__in=order_ids)
    places = [
        (
            "mixin_wallet",
            wallet_balances,
            Q(account__purpose__in=[purposes.AVAILABLE, purposes.REVENUE]),
            Q(account__purpose=purposes.IN_TRANSIT),
        ),
        (
            "exchange",
            exchange_balances,
            order_accounts & Q(account__purpose__in=[purposes.ON_EXCHANGE, purposes.LOCKED]),
            order_accounts & Q(account__purpose=purposes.IN_TRANSIT),
        ),
    ]
    report = ReconcileReport()
    for place, reported, held, travelling in places:
        external = {asset_id(asset): amount for asset, amount in reported.items()}
        ledger = {
            key[0]: total
            for key, total in exact_sums(Balance.objects.filter(held), "asset").items()
        }
        in_transit = {
            key[0]: total
            for key, total in exact_sums(Balance.objects.filter(travelling), "asset").items()
        }
        for asset in sorted(set(external) | set(ledger), key=str):
            report.lines.append(
                ReconcileLine(
                    place=place,
                    asset=asset,
                    ledger=ledger.get(asset, ZERO),
                    external=external.get(asset, ZERO),
                    in_transit=in_transit.get(asset, ZERO),
                )
            )
    return report


@dataclass(frozen=True)
class Violation:
    kind: str
    detail: dict[str, str | int]


def ledger_violations() -> list[Violation]:
    """Every broken ledger invariant in the whole database; an empty list means sound.

    Checks: each transaction has entries and balances per asset, each reversal mirrors its
    original, each entry's asset is its account's, each account has a balance row equal to
    the sum of its entries with the account's asset and sign rule, and no balance that must
    stay non-negative is below zero. Run by `manage.py ledger_check` and by CI.
    """
    violations: list[Violation] = []
    empty = Transaction.objects.filter(~Exists(Entry.objects.filter(transaction=OuterRef("pk"))))
    for tx_id in empty.values_list("id", flat=True):
        violations.append(Violation("empty_transaction", {"transaction": tx_id}))
    for (tx_id, asset), total in exact_sums(
        Entry.objects.all(), "transaction_id", "asset", nonzero_only=True
    ).items():
        violations.append(
            Violation(
                "unbalanced_transaction",
                {"transaction": tx_id, "asset": str(asset), "sum": str(total)},
            )
        )
    orphans = Entry.objects.exclude(
        Q(transaction_id__in=Transaction.objects.values("id"))
        & Q(account_id__in=Account.objects.values("id"))
    )
    for entry_id, tx_id, account_id in orphans.values_list("id", "transaction_id", "account_id"):
        violations.append(
            Violation(
                "orphan_entry",
                {"entry": entry_id, "transaction": tx_id, "account": account_id},
            )
        )
    for entry_id, account_id in Entry.objects.exclude(asset=F("account__asset")).values_list(
        "id", "account_id"
    ):
        violations.append(
            Violation("entry_asset_mismatch", {"entry": entry_id, "account": account_id})
        )
    violations.extend(_reversal_violations())
    violations.extend(_balance_violations())
    return violations


def _reversal_violations() -> list[Violation]:
    violations = []
    reversal_pairs = Transaction.objects.filter(code=Transaction.Code.REVERSAL).values_list(
        "id", "reverses_id"
    )
    for reversal_id, original_id in reversal_pairs:
        moved: defaultdict[int, Decimal] = defaultdict(Decimal)
        with localcontext(EXACT):
            for account_id, amount in Entry.objects.filter(
                transaction_id__in=[reversal_id, original_id]
            ).values_list("account_id", "amount"):
                moved[account_id] += amount
        if any(total != 0 for total in moved.values()):
            violations.append(
                Violation(
                    "reversal_mismatch", {"transaction": reversal_id, "reverses": original_id}
                )
            )
    return violations


def _balance_violations() -> list[Violation]:
    violations = []
    entry_totals = {
        key[0]: total for key, total in exact_sums(Entry.objects.all(), "account_id").items()
    }
    accounts = Account.objects.values_list(
        "id",
        "asset",
        "may_go_negative",
        "balance__account_id",
        "balance__asset",
        "balance__may_go_negative",
        "balance__amount",
    )
    for account_id, asset, may_go_negative, balance_id, b_asset, b_negative, amount in accounts:
        if balance_id is None:
            violations.append(Violation("missing_balance", {"account": account_id}))
            continue
        if b_asset != asset or b_negative != may_go_negative:
            violations.append(Violation("balance_identity_mismatch", {"account": account_id}))
        summed = entry_totals.get(account_id, ZERO)
        if amount != summed:
            violations.append(
                Violation(
                    "balance_mismatch",
                    {"account": account_id, "stored": str(amount), "sum_of_entries": str(summed)},
                )
            )
        if amount < 0 and not b_negative:
            violations.append(
                Violation(
                    "forbidden_negative_balance", {"account": account_id, "amount": str(amount)}
                )
            )
    return violations


def exact_sums(
    rows: QuerySet[Entry] | QuerySet[Balance], *keys: str, nonzero_only: bool = False
) -> dict[tuple[Any, ...], Decimal]:
    """`amount` of entries or balances summed per `keys`, exactly.

    PostgreSQL sums NUMERIC exactly, so it aggregates. SQLite's DECIMAL is a float, whose
    SQL sum can leave 1e-17 where zero is due; there the stored values (exact to 15
    significant digits) are read back and summed as Decimals.
    """
    if connection.vendor == "postgresql":
        grouped = rows.order_by().values(*keys).annotate(total=Sum("amount"))
        if nonzero_only:
            grouped = grouped.exclude(total=0)
        return {tuple(row[key] for key in keys): row["total"] for row in grouped}
    totals: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    with localcontext(EXACT):
        for *key, amount in rows.values_list(*keys, "amount").iterator():
            totals[tuple(key)] += amount
    return {key: total for key, total in totals.items() if total != 0 or not nonzero_only}
