"""HuFi campaigns as the node knows them: the launcher's campaigns (synced), the node's
EVM identity per exchange account, its participations, and the rewards it received and
allocated to orders."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.money import MoneyField


class HufiIdentity(models.Model):
    """The node's EVM identity toward HuFi for one exchange account.

    HuFi keeps one exchange key per exchange and identity, and scores 0 a second identity
    with the same deposit address, so each of our exchange accounts (a trading key) gets
    its own identity. The private key and the oracle's tokens are Fernet ciphertext
    (core.crypto), never shown or sent anywhere but to sign the login nonce.
    """

    trading_key = models.OneToOneField(
        "exchanges.ExchangeAPIKey", on_delete=models.PROTECT, related_name="hufi_identity"
    )
    read_key = models.ForeignKey(
        "exchanges.ExchangeAPIKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=(
            "A read-only key of the same exchange account: the only key handed to HuFi. "
            "A key that can trade is refused."
        ),
    )
    address = models.CharField(max_length=42, unique=True)
    private_key_encrypted = models.TextField(editable=False)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    read_key_registered = models.ForeignKey(
        "exchanges.ExchangeAPIKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="The read key HuFi last accepted for this identity.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "HuFi identity"
        verbose_name_plural = "HuFi identities"

    def __str__(self) -> str:
        return f"{self.address} ({self.trading_key})"


class JoinSwitch(models.Model):
    """One row (pk=1): whether the node joins campaigns at all (admin, audited)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    joining_enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = "campaign joining switch"
        verbose_name_plural = "campaign joining switches"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="join_switch_singleton")]

    def __str__(self) -> str:
        return "campaign joining " + ("on" if self.joining_enabled else "off")


class Campaign(models.Model):
    """A campaign as HuFi's launcher lists it, refreshed by the sync job."""

    class Type(models.TextChoices):
        MARKET_MAKING = "MARKET_MAKING"
        COMPETITIVE_MARKET_MAKING = "COMPETITIVE_MARKET_MAKING"
        THRESHOLD_MARKET_MAKING = "THRESHOLD_MARKET_MAKING"
        HOLDING = "HOLDING"
        THRESHOLD = "THRESHOLD"

    class Status(models.TextChoices):
        ACTIVE = "active"
        TO_CANCEL = "to_cancel"
        CANCELLED = "cancelled"
        COMPLETED = "completed"

    chain_id = models.PositiveIntegerField()
    address = models.CharField(max_length=42)
    type = models.CharField(max_length=40)
    exchange_name = models.CharField(max_length=50, help_text="The exchange's ccxt id.")
    symbol = models.CharField(max_length=50, help_text="A pair (BASE/QUOTE) or one symbol.")
    details = models.JSONField(default=dict, help_text="The type's manifest fields.")
    start_date = models.DateTimeField()
    end_date = models.DateTimeField()
    status = models.CharField(max_length=20)
    fund_amount = MoneyField()
    fund_token = models.CharField(max_length=64)
    fund_token_symbol = models.CharField(max_length=20)
    fund_token_decimals = models.PositiveSmallIntegerField()
    balance = MoneyField(default=0)
    amount_paid = MoneyField(default=0)
    launcher = models.CharField(max_length=42, blank=True)
    oracle_fee_percent = models.JSONField(
        default=dict, blank=True, help_text="exchange, recording and reputation oracle fee %."
    )
    intermediate_results_url = models.URLField(max_length=500, blank=True)
    final_results_url = models.URLField(max_length=500, blank=True)
    leaderboard = models.JSONField(default=dict, blank=True)
    daily_paid_amounts = models.JSONField(default=list, blank=True)
    joining_enabled = models.BooleanField(
        default=True, help_text="Off: the node joins this campaign with no order (audited)."
    )
    synced_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["status", "exchange_name", "symbol"])]
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "address"], name="campaign_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.symbol} on {self.exchange_name} ({self.key})"

    @property
    def key(self) -> str:
        return f"{self.chain_id}-{self.address}"

    @property
    def pair(self) -> str:
        return self.symbol if "/" in self.symbol else ""


class CampaignParticipation(models.Model):
    """Campaign ↔ exchange account (its HuFi identity) ↔ the orders that brought it in."""

    class State(models.TextChoices):
        PENDING = "pending"  # to be joined by the next join round
        JOINED = "joined"
        RETRYING = "retrying"  # the last attempt failed; the next round tries again
        BLOCKED = "blocked"  # waits for an operator: no read-only key, or it can trade
        CLOSED = "closed"  # HuFi will not take it (ended, full, not available)
        SWITCHED_OFF = "switched_off"  # joining is off for the campaign or globally

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="participations")
    identity = models.ForeignKey(
        HufiIdentity, on_delete=models.PROTECT, related_name="participations"
    )
    orders = models.ManyToManyField("orders.MarketMakingOrder", related_name="+", blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    joined_at = models.DateTimeField(null=True, blank=True)
    hufi_join_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "identity"], name="participation_unique_per_account"
            ),
            models.CheckConstraint(
                condition=~Q(state="joined") | Q(joined_at__isnull=False),
                name="participation_joined_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identity.address} in {self.campaign.key}: {self.state}"


class RewardReceipt(models.Model):
    """A reward that arrived as a Mixin deposit, matched to one cycle of one campaign for
    one of our identities; allocated to orders by its manifest."""

    class State(models.TextChoices):
        MATCHED = "matched"
        ALLOCATED = "allocated"

    snapshot_id = models.UUIDField(unique=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="rewards")
    identity = models.ForeignKey(HufiIdentity, on_delete=models.PROTECT, related_name="rewards")
    cycle_from = models.DateTimeField()
    cycle_to = models.DateTimeField()
    asset_id = models.UUIDField()
    amount = MoneyField()
    results_sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.MATCHED)
    manifest_json = models.TextField(blank=True, help_text="Canonical JSON (RFC 8785).")
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cycle_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "identity", "cycle_from"], name="reward_once_per_cycle"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reward_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} for {self.campaign.key} cycle {self.cycle_from:%Y-%m-%d}"


class RewardAllocation(models.Model):
    """One order's share of a reward, booked to its owner and paid to their Mixin account."""

    receipt = models.ForeignKey(RewardReceipt, on_delete=models.PROTECT, related_name="allocations")
    order = models.ForeignKey(
        "orders.MarketMakingOrder", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = MoneyField()
    amount = MoneyField()
    idempotency_key = models.CharField(max_length=200, unique=True)
    payout_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["receipt", "order_id"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "order"], name="allocation_once_per_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to order {self.order_id}"
