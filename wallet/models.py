from django.conf import settings
from django.db import models
from django.db.models import Q

from core.money import MoneyField


class MixinSnapshot(models.Model):
    """One movement of the bot's funds as Mixin reported it; recorded exactly once."""

    class Direction(models.TextChoices):
        INCOMING = "incoming", "incoming"
        OUTGOING = "outgoing", "outgoing"

    class ProcessingState(models.TextChoices):
        RECORDED = "recorded", "recorded"  # stored; an incoming one is handed over on commit
        DISPATCHED = "dispatched", "dispatched"  # the order flow's task was enqueued
        PROCESSED = "processed", "processed"  # the order flow booked or refunded it
        IGNORED = "ignored", "ignored"  # nothing for the order flow to do (outgoing)

    snapshot_id = models.UUIDField(unique=True)
    user_id = models.UUIDField(null=True, blank=True, help_text="Owner of the snapshot.")
    opponent_id = models.UUIDField(null=True, blank=True)
    transaction_hash = models.CharField(max_length=64, blank=True)
    asset_id = models.UUIDField()
    kernel_asset_id = models.CharField(max_length=64, blank=True)
    amount = MoneyField(help_text="Negative when outgoing.")
    memo = models.TextField(blank=True, help_text="Hex of the transaction's extra bytes.")
    request_id = models.CharField(max_length=100, blank=True, help_text="Sender's trace id.")
    created_at_text = models.CharField(
        max_length=40, help_text="Mixin's created_at, RFC3339 with nanoseconds, verbatim."
    )
    mixin_created_at = models.DateTimeField()
    deposit = models.JSONField(null=True, blank=True)
    withdrawal = models.JSONField(null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    processing_state = models.CharField(
        max_length=12, choices=ProcessingState.choices, default=ProcessingState.RECORDED
    )
    processing_note = models.TextField(blank=True)
    trace_id = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mixin_created_at", "id"]
        indexes = [models.Index(fields=["processing_state", "direction"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="incoming") & Q(amount__gte=0))
                | (Q(direction="outgoing") & Q(amount__lt=0)),
                name="snapshot_direction_matches_amount_sign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.amount} {self.asset_id}"


class SnapshotCursor(models.Model):
    """Where payment intake resumes: the created_at of the last snapshot it has seen."""

    name = models.CharField(max_length=50, unique=True)
    offset = models.CharField(max_length=40, blank=True, help_text="RFC3339Nano, verbatim.")
    position_ns = models.BigIntegerField(
        default=0, help_text="The offset in nanoseconds since the epoch, for ordering."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.offset or 'start'}"


class MixinTransfer(models.Model):
    """An outgoing transfer or withdrawal, persisted with its key before Mixin hears of it."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "transfer to Mixin users"
        WITHDRAWAL = "withdrawal", "withdrawal to a chain address"

    class Purpose(models.TextChoices):
        REFUND = "refund", "refund"
        PAYOUT = "payout", "payout"
        WITHDRAW_TO_EXCHANGE = "withdraw_to_exchange", "withdraw to exchange"
        OPERATOR = "operator", "operator action"

    class State(models.TextChoices):
        PENDING = "pending", "pending"  # persisted; nothing sent yet
        REQUESTED = "requested", "requested"  # the unsigned transaction is registered
        SUBMITTED = "submitted", "submitted"  # the signed transaction was accepted
        FAILED = "failed", "failed"  # refused for good; see error_reason

    kind = models.CharField(max_length=10, choices=Kind.choices)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    request_id = models.UUIDField(unique=True, help_text="uuid5 of the idempotency key.")
    asset_id = models.UUIDField()
    amount = MoneyField()
    receiver_ids = models.JSONField(default=list, blank=True)
    threshold = models.PositiveSmallIntegerField(default=1)
    destination = models.CharField(max_length=256, blank=True)
    tag = models.CharField(max_length=128, blank=True)
    memo = models.CharField(max_length=256, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    kernel_hash = models.CharField(max_length=64, blank=True)
    fee_asset_id = models.UUIDField(null=True, blank=True)
    fee_amount = MoneyField(null=True, blank=True)
    fee_request_id = models.UUIDField(null=True, blank=True)
    fee_kernel_hash = models.CharField(max_length=64, blank=True)
    withdrawal_hash = models.CharField(max_length=256, blank=True)
    withdrawal_hash_at = models.DateTimeField(null=True, blank=True)
    error_reason = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind="withdrawal") & ~Q(destination=""))
                | (Q(kind="transfer") & Q(destination="")),
                name="transfer_destination_only_for_withdrawals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.asset_id} ({self.state})"


class OutputReservation(models.Model):
    """An unspent output of the bot that an unfinished transfer's transaction spends, so
    that no other transfer selects it meanwhile."""

    output_key = models.CharField(max_length=80, unique=True, help_text="hash:index")
    transfer = models.ForeignKey(
        MixinTransfer, on_delete=models.CASCADE, related_name="reserved_outputs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.output_key


class DepositEntry(models.Model):
    """The bot's deposit address on one chain, as /safe/deposit/entries gave it."""

    chain_id = models.UUIDField(unique=True)
    entry_id = models.CharField(max_length=64, blank=True)
    destination = models.CharField(max_length=256)
    tag = models.CharField(max_length=128, blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deposit entries"

    def __str__(self) -> str:
        return f"{self.chain_id}: {self.destination}"


class MixinUser(models.Model):
    """The Mixin identity behind a Django user who logged in with Mixin OAuth."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mixin"
    )
    mixin_user_id = models.UUIDField(unique=True)
    identity_number = models.CharField(max_length=32, blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.full_name or self.mixin_user_id}"


class ApiToken(models.Model):
    """A user's API token, stored as its SHA-256: the token itself is shown once, when the
    Mixin login issues it, and a copy of the database cannot be used to call the API. A
    token is 32 random bytes, so a fast hash is enough (nothing to guess)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"API token of user {self.user_id}"
