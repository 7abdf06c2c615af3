"""The double-entry ledger: accounts, immutable transactions and entries, kept balances.

Sign convention: an entry's amount is added to its account's balance. Every transaction's
entries sum to zero per asset, so the balances of all accounts of one asset always sum to
zero; the `external` accounts (the world outside our custody) carry the negative side.
The database holds the invariants (see the 0002 migration and docs/ledger.md); these
models only declare fields and the constraints Django can express.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.money import MoneyField


class Account(models.Model):
    class OwnerKind(models.TextChoices):
        USER = "user", "user"
        ORDER = "order", "order"
        CAMPAIGN = "campaign", "campaign launch"
        SYSTEM = "system", "system"

    class Purpose(models.TextChoices):
        AVAILABLE = "available", "available (in our Mixin wallet)"
        IN_TRANSIT = "in_transit", "in transit (between wallet and exchange)"
        ON_EXCHANGE = "on_exchange", "on the exchange, free"
        LOCKED = "locked", "on the exchange, reserved by open orders"
        FEES = "fees", "fees paid"
        REVENUE = "revenue", "revenue"
        EXTERNAL = "external", "external counterparty"

    owner_kind = models.CharField(max_length=10, choices=OwnerKind.choices)
    owner_id = models.CharField(
        max_length=64, blank=True, help_text="Order or user id; empty for the system."
    )
    asset = models.UUIDField(help_text="Mixin asset id.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    may_go_negative = models.BooleanField(
        default=False, help_text="Only external counterparties may hold a negative balance."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_id", "asset", "purpose"], name="ledger_account_unique"
            ),
            models.CheckConstraint(
                condition=Q(owner_kind="system", owner_id="")
                | (~Q(owner_kind="system") & ~Q(owner_id="")),
                name="ledger_account_owner_id_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(may_go_negative=True, purpose="external")
                | (Q(may_go_negative=False) & ~Q(purpose="external")),
                name="ledger_account_only_external_goes_negative",
            ),
        ]

    def __str__(self) -> str:
        owner = f"{self.owner_kind}:{self.owner_id}" if self.owner_id else self.owner_kind
        return f"{owner}/{self.purpose}/{self.asset}"


class Balance(models.Model):
    """The running sum of an account's entries, updated in the transaction that posts them.

    `may_go_negative` repeats the account's flag because a check constraint can only read
    its own row.
    """

    account = models.OneToOneField(
        Account, on_delete=models.PROTECT, primary_key=True, related_name="balance"
    )
    asset = models.UUIDField()
    amount = MoneyField(default=0)
    may_go_negative = models.BooleanField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(may_go_negative=True) | Q(amount__gte=0),
                name="ledger_balance_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class Transaction(models.Model):
    class Code(models.TextChoices):
        PAYMENT_CREDIT = "payment_credit"
        WITHDRAW_TO_EXCHANGE = "withdraw_to_exchange"
        DEPOSIT_CONFIRMED = "deposit_confirmed"
        RESERVE_LOCK = "reserve_lock"
        RESERVE_RELEASE = "reserve_release"
        FILL_SETTLE = "fill_settle"
        FEE = "fee"
        WITHDRAW_FROM_EXCHANGE = "withdraw_from_exchange"
        RETURN_CONFIRMED = "return_confirmed"
        PAYOUT = "payout"
        REFUND = "refund"
        REWARD_CREDIT = "reward_credit"
        CAMPAIGN_FUND = "campaign_fund"
        REVERSAL = "reversal"

    idempotency_key = models.CharField(max_length=200, unique=True)
    content_hash = models.CharField(
        max_length=64, help_text="sha256 of code, ref and entries; a retry must match it."
    )
    code = models.CharField(max_length=30, choices=Code.choices)
    trace_id = models.CharField(max_length=64)
    ref = models.CharField(
        max_length=200,
        blank=True,
        help_text="The source fact: snapshot id, exchange trade id, withdrawal id, …",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        help_text="For a reversal, the transaction it undoes (at most one reversal each).",
    )
    reason = models.TextField(blank=True, help_text="Why a reversal was posted.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["code", "id"], name="ledger_tx_code_idx"),
            models.Index(fields=["trace_id"], name="ledger_tx_trace_idx"),
            models.Index(fields=["ref"], name="ledger_tx_ref_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code="reversal", reverses__isnull=False)
                | (~Q(code="reversal") & Q(reverses__isnull=True)),
                name="ledger_transaction_reversal_names_its_original",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.code} {self.idempotency_key}"


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    # The (account, id) index below serves the lookups a single-column index would.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    asset = models.UUIDField()
    amount = MoneyField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["account", "id"], name="ledger_entry_account_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+}"


class LedgerCheckRun(models.Model):
    """One run of `ledger_check` (the command or its hourly job): the status page shows the
    last one's result and time."""

    ran_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    violations = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=list, blank=True, help_text="The first violations found.")

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"ledger check at {self.ran_at:%Y-%m-%d %H:%M:%S}: " + (
            "ok" if self.ok else f"{self.violations} violation(s)"
        )
