import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.money import MoneyField
from exchanges.models import ExchangeAPIKey, TradingPair
from orders.states import AWAITING_PAYMENT, NON_TERMINAL, OrderState

S = OrderState


class StrategyPreset(models.Model):
    """A named starting point for an order's strategy, with the reasons behind its values.

    `params` holds only what the preset sets, in canonical JSON (decimals as strings);
    everything else takes the strategy's defaults, and the user's overrides go on top.
    """

    name = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=100)
    rationale = models.TextField(help_text="Shown to users: what the values do and why.")
    params = models.JSONField(default=dict, help_text="Parameter values set by this preset.")
    required_overrides = models.JSONField(
        default=list,
        blank=True,
        help_text="Parameters the user must give when starting from this preset.",
    )
    enabled = models.BooleanField(default=True, help_text="Offered to users.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.title


class MarketMakingOrder(ConcurrentTransitionMixin, models.Model):
    """A user's market-making order, from payment to running and back out.

    The state field is protected: it changes only through the transitions below, which
    change fields and nothing else. Services run them inside a transaction, write the
    OrderEvent and start side effects on commit. ConcurrentTransitionMixin refuses a save
    whose state changed underneath it, so two workers cannot both move one order.
    """

    class Leg(models.TextChoices):
        BASE = "base"
        QUOTE = "quote"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="market_making_orders"
    )
    pair = models.ForeignKey(TradingPair, on_delete=models.PROTECT, related_name="orders")
    api_key = models.ForeignKey(ExchangeAPIKey, on_delete=models.PROTECT, related_name="orders")
    strategy_preset = models.ForeignKey(
        StrategyPreset, on_delete=models.PROTECT, related_name="orders"
    )
    strategy_overrides = models.JSONField(default=dict, blank=True)
    frozen_config = models.JSONField(null=True, blank=True)
    config_hash = models.CharField(max_length=64, blank=True)
    base_amount = MoneyField()
    quote_amount = MoneyField()
    state = FSMField(default=S.PAYMENT_PENDING, choices=S.choices, protected=True)
    memo = models.CharField(max_length=200, unique=True)
    expires_at = models.DateTimeField()
    lifecycle_error = models.TextField(blank=True)
    attention = models.TextField(
        blank=True, help_text="Set by reconcile when an operator must look at the order."
    )
    trace_id = models.CharField(max_length=64)
    proof_public = models.BooleanField(
        default=False,
        help_text="The owner lets anyone read the order's execution report and lifecycle.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "state_changed_at"])]
        permissions = [
            ("approve_recovery", "Approve the refund of a failed order's wallet funds"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_amount__gte=0) & Q(quote_amount__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(base_amount__gt=0) | Q(quote_amount__gt=0),
                name="order_funds_something",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.id} ({self.state})"

    # Payment -----------------------------------------------------------------------------

    @transition(field=state, source=S.PAYMENT_PENDING, target=S.PAYMENT_INCOMPLETE)
    def mark_partially_paid(self) -> None:
        pass

    @transition(field=state, source=list(AWAITING_PAYMENT), target=S.PAYMENT_COMPLETE)
    def mark_paid(self) -> None:
        pass

    @transition(field=state, source=list(AWAITING_PAYMENT), target=S.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=state, source=[S.EXPIRED, S.FAILED], target=S.REFUNDED)
    def mark_refunded(self) -> None:
        pass

    # Funding -----------------------------------------------------------------------------

    @transition(field=state, source=S.PAYMENT_COMPLETE, target=S.WITHDRAWING)
    def start_withdrawing(self) -> None:
        pass

    @transition(field=state, source=S.WITHDRAWING, target=S.WITHDRAWAL_CONFIRMED)
    def confirm_withdrawal(self) -> None:
        pass

    @transition(field=state, source=S.WITHDRAWAL_CONFIRMED, target=S.DEPOSIT_CONFIRMING)
    def start_deposit_confirming(self) -> None:
        pass

    @transition(field=state, source=S.DEPOSIT_CONFIRMING, target=S.DEPOSIT_CONFIRMED)
    def confirm_deposit(self) -> None:
        pass

    @transition(field=state, source=[S.DEPOSIT_CONFIRMED, S.STOPPED], target=S.RUNNING)
    def start_running(self) -> None:
        pass

    # Control -----------------------------------------------------------------------------

    @transition(field=state, source=S.RUNNING, target=S.PAUSED)
    def pause(self) -> None:
        pass

    @transition(field=state, source=S.PAUSED, target=S.RUNNING)
    def resume(self) -> None:
        pass

    @transition(field=state, source=[S.RUNNING, S.PAUSED], target=S.STOPPED)
    def stop(self) -> None:
        pass

    @transition(field=state, source=[S.RUNNING, S.PAUSED, S.STOPPED], target=S.EXIT_REQUESTED)
    def request_exit(self) -> None:
        pass

    # Exit --------------------------------------------------------------------------------

    @transition(field=state, source=S.EXIT_REQUESTED, target=S.EXIT_CANCELLING)
    def start_exit_cancelling(self) -> None:
        pass

    @transition(field=state, source=S.EXIT_CANCELLING, target=S.EXIT_WITHDRAWING)
    def start_exit_withdrawing(self) -> None:
        pass

    @transition(field=state, source=S.EXIT_WITHDRAWING, target=S.EXIT_CONFIRMING)
    def start_exit_confirming(self) -> None:
        pass

    @transition(field=state, source=S.EXIT_CONFIRMING, target=S.EXITED)
    def mark_exited(self) -> None:
        pass

    # Failure -----------------------------------------------------------------------------

    @transition(field=state, source=list(NON_TERMINAL - {S.FAILED}), target=S.FAILED)
    def fail(self, error: str) -> None:
        self.lifecycle_error = error


class OrderEvent(models.Model):
    """One line of an order's timeline: a transition, or a figure worth recording."""

    order = models.ForeignKey(MarketMakingOrder, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=50, default="transition")
    actor = models.CharField(max_length=150, help_text="user:<id>, system:<job> or operator:<id>")
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_state or '·'} → {self.to_state or self.kind}"


class PaymentEntry(models.Model):
    """One entry of the order's invoice: an asset and amount the user pays."""

    class Purpose(models.TextChoices):
        BASE = "base"
        QUOTE = "quote"
        BASE_WITHDRAWAL_FEE = "base_withdrawal_fee"
        QUOTE_WITHDRAWAL_FEE = "quote_withdrawal_fee"
        MARKET_MAKING_FEE = "market_making_fee"

    order = models.ForeignKey(
        MarketMakingOrder, on_delete=models.CASCADE, related_name="payment_entries"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    asset_id = models.UUIDField()
    amount_due = MoneyField()
    amount_paid = MoneyField(default=0)
    trace_id = models.UUIDField(unique=True, default=uuid.uuid4)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "payment entries"
        constraints = [
            models.UniqueConstraint(fields=["order", "purpose"], name="payment_entry_unique"),
            models.CheckConstraint(condition=Q(amount_due__gt=0), name="payment_due_positive"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="payment_paid_not_neg"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.amount_paid}/{self.amount_due}"

    @property
    def is_paid(self) -> bool:
        return self.amount_paid >= self.amount_due


class OrderActionRequest(models.Model):
    """The first answer to a control request, replayed for the same Idempotency-Key."""

    order = models.ForeignKey(
        MarketMakingOrder, on_delete=models.CASCADE, related_name="action_requests"
    )
    idempotency_key = models.CharField(max_length=100)
    action = models.CharField(max_length=20)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"], name="order_action_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} ({self.idempotency_key}) → {self.status_code}"


class OrderCreateRequest(models.Model):
    """An order creation sent with an Idempotency-Key: a repeat gets the same order.

    The key is the user's; `request_sha256` fingerprints what was asked, so the same key
    with another request is refused rather than answered with an unrelated order."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="order_create_requests"
    )
    idempotency_key = models.CharField(max_length=100)
    request_sha256 = models.CharField(max_length=64)
    order = models.OneToOneField(
        MarketMakingOrder, on_delete=models.CASCADE, related_name="create_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="order_create_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"create ({self.idempotency_key}) → {self.order_id}"


class OrderLeg(models.Model):
    """One asset of an order on its way to the exchange and back.

    Both assets of the pair have a leg: trading can leave funds in an asset that was not
    funded, and exit brings back whatever the order holds on the exchange.

    Every external effect of the leg has its id here, written before the call that
    makes it (the Mixin withdrawal's key, the exchange withdrawal's client id) and
    completed with what the other side answered (hashes, exchange ids, amounts).
    """

    order = models.ForeignKey(MarketMakingOrder, on_delete=models.CASCADE, related_name="legs")
    leg = models.CharField(max_length=10, choices=MarketMakingOrder.Leg.choices)
    asset_id = models.UUIDField()
    chain_id = models.UUIDField()
    exchange_coin = models.CharField(max_length=20)
    network = models.CharField(max_length=50)
    amount = MoneyField(
        help_text="What goes to the exchange for market making (0: this side is not funded)."
    )
    deposit_address = models.CharField(max_length=256, blank=True)
    deposit_tag = models.CharField(max_length=128, blank=True)
    withdrawal_fee_asset_id = models.UUIDField(null=True, blank=True)
    withdrawal_fee = MoneyField(default=0, help_text="Mixin's network fee quoted at intent.")
    # Funding: Mixin wallet → exchange.
    withdrawal_key = models.CharField(max_length=200, blank=True)
    withdrawal_hash = models.CharField(max_length=256, blank=True)
    withdrawal_hash_at = models.DateTimeField(null=True, blank=True)
    exchange_deposit_ref = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="<exchange id>:<deposit id>; one exchange deposit funds one leg only.",
    )
    deposited_amount = MoneyField(null=True, blank=True)
    deposit_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Exit: exchange → Mixin wallet → user.
    exit_client_id = models.CharField(max_length=64, blank=True)
    exit_amount = MoneyField(null=True, blank=True)
    exit_withdrawal_id = models.CharField(max_length=100, blank=True)
    exit_tx_hash = models.CharField(max_length=256, blank=True)
    exit_snapshot_id = models.UUIDField(null=True, blank=True, unique=True)
    returned_amount = MoneyField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "leg"]
        constraints = [
            models.UniqueConstraint(fields=["order", "leg"], name="order_leg_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="order_leg_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.leg}"


class FundsLoopConfig(models.Model):
    """The operators' switches of the funds loop: one row, edited in the admin, audited."""

    queue_withdraw_on_payment_complete = models.BooleanField(
        default=True, help_text="Queue the withdrawal to the exchange once an order is paid."
    )
    withdraw_to_exchange_enabled = models.BooleanField(
        default=True,
        help_text="Send withdrawals to exchanges. Off: paid orders wait at payment_complete.",
    )
    market_making_fee_rate = models.DecimalField(
        max_digits=12,
        decimal_places=8,
        default=0,
        help_text="Fee per leg as a fraction of its amount (0.001 = 0.1%), paid with the invoice.",
    )
    payment_window_seconds = models.PositiveIntegerField(
        default=900, help_text="How long an order waits for its payment before it expires."
    )
    deposit_amount_tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=8,
        default=0,
        help_text="Fraction by which an exchange deposit may fall short of the leg's amount.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "funds loop settings"
        verbose_name_plural = "funds loop settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="funds_loop_config_singleton"),
            models.CheckConstraint(
                condition=Q(market_making_fee_rate__gte=0) & Q(market_making_fee_rate__lt=1),
                name="funds_loop_fee_rate_fraction",
            ),
        ]

    def __str__(self) -> str:
        return "funds loop settings"

    @classmethod
    def current(cls) -> "FundsLoopConfig":
        config, _ = cls.objects.get_or_create(pk=1)
        return config


class Payout(models.Model):
    """A payment from the bot's wallet to a user: an exit payout or a refund.

    Written, with the ledger posting that takes the funds out of the order or the payer's
    account, before the Mixin transfer is sent under the same idempotency key.
    """

    class Kind(models.TextChoices):
        PAYOUT = "payout"
        REFUND = "refund"

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.ForeignKey(
        MarketMakingOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    snapshot_id = models.UUIDField(null=True, blank=True, help_text="The payment refunded.")
    asset_id = models.UUIDField()
    amount = MoneyField()
    receiver_id = models.UUIDField(help_text="Mixin user id.")
    memo = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.asset_id} ({self.status})"
