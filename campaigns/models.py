"""HuFi campaigns as the node knows them: the launcher's campaigns (synced), the node's
EVM identity per exchange account, its participations, the rewards it received and
allocated to orders, and the campaigns users create and fund here (launches)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

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


class LaunchState(models.TextChoices):
    """A campaign launch from its form to a funded escrow (docs/campaigns.md)."""

    DRAFT = "draft"  # recorded; its escrow is being created
    AWAITING_FUNDING = "awaiting_funding"  # escrow ready; waiting for the user's funds
    PAID = "paid"  # Mixin: the payment is booked; the node funds the escrow next
    FUNDING = "funding"  # Mixin: the node's transfer to the escrow is signed and sent
    FUNDED = "funded"  # the escrow holds the fund: the campaign is live on the launcher
    FAILED = "failed"  # the escrow could not be created or funded (Mixin: refunded)
    EXPIRED = "expired"  # not funded within the funding window
    CANCELLED = "cancelled"  # the creator gave up before funding


class LaunchWallet(models.Model):
    """One row (pk=1): the node's EVM wallet that funds escrows for Mixin-paid campaigns.
    Its key is Fernet ciphertext (core.crypto), created on first need, never shown."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    address = models.CharField(max_length=42, unique=True)
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "campaign launch wallet"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="launch_wallet_singleton")]

    def __str__(self) -> str:
        return f"launch wallet {self.address}"


class CampaignLaunch(ConcurrentTransitionMixin, models.Model):
    """A campaign a user creates and funds: its manifest, how it is funded, its escrow.

    `state` changes only through the transitions below (services record each as a
    CampaignLaunchEvent). Every external effect has its key here before the call that
    makes it: `escrow_request_id` (the escrow's creation) and `funding_transfer_id` (the
    node's signed transfer to the escrow)."""

    class Method(models.TextChoices):
        EVM = "evm"  # the user sends the fund to the escrow from their own wallet
        MIXIN = "mixin"  # the user pays the node on Mixin; the node funds the escrow

    S = LaunchState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaign_launches"
    )
    type = models.CharField(max_length=40, choices=Campaign.Type.choices)
    exchange_name = models.CharField(max_length=50)
    symbol = models.CharField(max_length=50, help_text="A pair (BASE/QUOTE) or one symbol.")
    details = models.JSONField(default=dict, help_text="The type's manifest fields.")
    start_date = models.DateTimeField()
    end_date = models.DateTimeField()
    chain_id = models.PositiveIntegerField()
    fund_token_symbol = models.CharField(max_length=20)
    fund_token_decimals = models.PositiveSmallIntegerField()
    fund_amount = MoneyField()
    funding_method = models.CharField(max_length=10, choices=Method.choices)
    funder_address = models.CharField(
        max_length=42, blank=True, help_text="EVM: the user's wallet the fund comes from."
    )
    state = FSMField(default=S.DRAFT, choices=S.choices, protected=True)
    escrow_request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    escrow_address = models.CharField(max_length=42, blank=True)
    # Mixin funding: one invoice entry in the reward token's Mixin asset.
    asset_id = models.UUIDField(null=True, blank=True)
    payment_trace_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amount_paid = MoneyField(default=0)
    payer_id = models.UUIDField(null=True, blank=True, help_text="Mixin user id of the payer.")
    funding_transfer_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    funding_deadline = models.DateTimeField(null=True, blank=True)
    funding_tx_hash = models.CharField(max_length=80, blank=True)
    funding_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    expires_at = models.DateTimeField(help_text="Unfunded by then, the launch expires.")
    campaign = models.OneToOneField(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="launch"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_sha256 = models.CharField(max_length=64, blank=True)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "campaign launch"
        verbose_name_plural = "campaign launches"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "state_changed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="campaign_launch_key_unique",
            ),
            models.CheckConstraint(condition=Q(fund_amount__gt=0), name="launch_fund_positive"),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0), name="launch_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(funding_method="mixin") | Q(asset_id__isnull=False),
                name="launch_mixin_has_asset",
            ),
        ]

    def __str__(self) -> str:
        return f"launch {self.id} {self.type} {self.symbol} ({self.state})"

    @property
    def escrow_key(self) -> str:
        return f"{self.chain_id}-{self.escrow_address}" if self.escrow_address else ""

    @transition(field=state, source=S.DRAFT, target=S.AWAITING_FUNDING)
    def escrow_created(self, address: str) -> None:
        self.escrow_address = address

    @transition(field=state, source=[S.DRAFT, S.AWAITING_FUNDING], target=S.PAID)
    def mark_paid(self) -> None:
        pass

    @transition(field=state, source=S.PAID, target=S.FUNDING)
    def start_funding(self) -> None:
        pass

    @transition(field=state, source=[S.AWAITING_FUNDING, S.FUNDING], target=S.FUNDED)
    def mark_funded(self) -> None:
        pass

    @transition(field=state, source=[S.DRAFT, S.PAID, S.FUNDING], target=S.FAILED)
    def fail(self, error: str) -> None:
        self.last_error = error

    @transition(field=state, source=[S.DRAFT, S.AWAITING_FUNDING], target=S.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=state, source=[S.DRAFT, S.AWAITING_FUNDING], target=S.CANCELLED)
    def cancel(self) -> None:
        pass


class CampaignLaunchEvent(models.Model):
    """One line of a launch's history: a transition with its actor and reason (the audit)."""

    launch = models.ForeignKey(CampaignLaunch, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.CharField(max_length=150, help_text="user:<id>, system:<job> or operator:<id>")
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.launch_id}: {self.from_state or '·'} → {self.to_state}"
