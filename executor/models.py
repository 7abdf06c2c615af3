"""What the executor remembers: the exchange orders it placed, their fills, each order's
tick-to-tick state, and the switches that stop quoting.

The tables keep the names they had when these models lived in the `orders` app
(executor/migrations/0001 moved them without touching the database).
"""

import base64
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.money import MoneyField
from exchanges.models import Exchange, ExchangeAPIKey, TradingPair


class ExchangeOrderStatus(models.TextChoices):
    PENDING_CREATE = "pending_create"  # persisted and reserved; the create call may be in flight
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    PENDING_CANCEL = "pending_cancel"
    FILLED = "filled"
    CANCELLED = "cancelled"
    FAILED = "failed"


ST = ExchangeOrderStatus
# May still rest on the exchange (or be about to).
LIVE_STATUSES = frozenset({ST.PENDING_CREATE, ST.OPEN, ST.PARTIALLY_FILLED, ST.PENDING_CANCEL})
RESTING_STATUSES = frozenset({ST.OPEN, ST.PARTIALLY_FILLED, ST.PENDING_CANCEL})
FINAL_STATUSES = frozenset({ST.FILLED, ST.CANCELLED, ST.FAILED})


def client_order_id_for(*, order_id: object, sequence: int) -> str:
    """Deterministic and short enough for every venue (Binance allows 36 characters of
    `[.A-Za-z0-9:/_-]`): `mm` + the order's UUID in url-safe base64 + `.` + sequence."""
    raw = order_id.bytes if hasattr(order_id, "bytes") else bytes.fromhex(str(order_id))
    compact = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"mm{compact}.{sequence}"


class CancelReason(models.TextChoices):
    """Why the executor asked the exchange to cancel a quote (the order's lifecycle shows it)."""

    REFRESH = "refresh"  # the strategy replaced it (refresh time, price moved, fill delay)
    RISK = "risk"  # a risk gate or kill switch cancelled every quote of the order
    EXIT = "exit"  # the order's exit cancels what rests before withdrawing
    PAUSE = "pause"  # paused or stopped by its owner, or the global kill switch


class TrackedOrder(models.Model):
    """One limit order the executor placed (or is placing) on the exchange for an order.

    The row and its ledger reservation are committed before the create call, under the
    deterministic client order id, so a retry or a restart looks the order up instead of
    placing it twice.
    """

    class Side(models.TextChoices):
        BUY = "buy"
        SELL = "sell"

    order = models.ForeignKey(
        "orders.MarketMakingOrder", on_delete=models.PROTECT, related_name="exchange_orders"
    )
    api_key = models.ForeignKey(ExchangeAPIKey, on_delete=models.PROTECT, related_name="+")
    symbol = models.CharField(max_length=50)
    sequence = models.PositiveIntegerField()
    client_order_id = models.CharField(max_length=40, unique=True)
    exchange_order_id = models.CharField(max_length=64, blank=True)
    side = models.CharField(max_length=4, choices=Side.choices)
    level = models.PositiveSmallIntegerField(default=0)
    price = MoneyField()
    amount = MoneyField()
    filled_amount = MoneyField(default=0, help_text="Cumulative, as the exchange last said.")
    settled_amount = MoneyField(default=0, help_text="Base amount of the fills in the ledger.")
    reserved_amount = MoneyField(help_text="Locked in the ledger for this order (quote or base).")
    consumed_amount = MoneyField(default=0, help_text="Of the reservation, spent by fills.")
    released = models.BooleanField(default=False, help_text="The unspent rest went back.")
    status = models.CharField(
        max_length=20, choices=ExchangeOrderStatus.choices, default=ST.PENDING_CREATE
    )
    last_error = models.TextField(blank=True)
    error_class = models.CharField(
        max_length=60, blank=True, help_text="The error's class when the exchange refused it."
    )
    cancel_reason = models.CharField(max_length=10, choices=CancelReason.choices, blank=True)
    trace_id = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "orders_trackedorder"
        ordering = ["order", "sequence"]
        indexes = [
            models.Index(fields=["order", "status"]),
            models.Index(fields=["api_key", "symbol", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="tracked_order_sequence"),
            models.CheckConstraint(
                condition=Q(price__gt=0) & Q(amount__gt=0) & Q(reserved_amount__gt=0),
                name="tracked_order_positive",
            ),
            models.CheckConstraint(
                condition=Q(settled_amount__lte=F("amount"))
                & Q(filled_amount__lte=F("amount"))
                & Q(consumed_amount__lte=F("reserved_amount")),
                name="tracked_order_fill_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.amount} @ {self.price} ({self.client_order_id}, {self.status})"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled_amount


class ExchangeFill(models.Model):
    """One of our trades as the exchange reported it; settled into the ledger once."""

    tracked_order = models.ForeignKey(TrackedOrder, on_delete=models.PROTECT, related_name="fills")
    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="+")
    symbol = models.CharField(max_length=50)
    trade_id = models.CharField(max_length=64)
    side = models.CharField(max_length=4, choices=TrackedOrder.Side.choices)
    price = MoneyField()
    amount = MoneyField()
    fee = MoneyField(default=0)
    fee_asset = models.CharField(max_length=20, blank=True)
    is_maker = models.BooleanField()
    traded_at = models.DateTimeField()
    ledger_key = models.CharField(max_length=200, help_text="Idempotency key of its fill_settle.")
    trace_id = models.CharField(
        max_length=64, blank=True, help_text="The order's trace id (its other rows carry it too)."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "orders_exchangefill"
        ordering = ["traded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "symbol", "trade_id"], name="exchange_fill_trade_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"trade {self.trade_id}: {self.side} {self.amount} @ {self.price}"


class ExecutorState(models.Model):
    """The executor's memory of one order between ticks, and what it quotes with.

    The market, key, frozen config and trace are copied from the order when it is
    registered, and `quoting` is the executor's own answer to "is this order active": the
    order's services switch it through executor_order_pause/resume, so a tick never reads
    the order's state machine.
    """

    order = models.OneToOneField(
        "orders.MarketMakingOrder",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="executor_state",
    )
    pair = models.ForeignKey(TradingPair, on_delete=models.PROTECT, related_name="+")
    api_key = models.ForeignKey(ExchangeAPIKey, on_delete=models.PROTECT, related_name="+")
    config = models.JSONField(help_text="The order's frozen strategy config.")
    config_hash = models.CharField(max_length=64)
    trace_id = models.CharField(max_length=64)
    quoting = models.BooleanField(
        default=True, help_text="Ticked and quoted; off while paused, stopped or exiting."
    )
    repeating_events = models.JSONField(
        default=dict,
        blank=True,
        help_text="Event kind → the ExecutorEvent the last tick counted it into.",
    )
    strategy_state = models.JSONField(default=dict)
    next_sequence = models.PositiveIntegerField(default=1)
    peak_equity = MoneyField(null=True, blank=True)
    consecutive_rejects = models.PositiveSmallIntegerField(default=0)
    kill_switch_tripped = models.BooleanField(default=False)
    kill_switch_reason = models.TextField(blank=True)
    halted_sides = models.JSONField(
        default=dict, blank=True, help_text="side → ISO time until which it is not quoted."
    )
    market_data_stale = models.BooleanField(default=False)
    last_tick_at = models.DateTimeField(null=True, blank=True)
    last_reference_price = MoneyField(null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "orders_executorstate"
        indexes = [models.Index(fields=["pair", "quoting"], name="executor_state_pair_quoting")]

    def __str__(self) -> str:
        return f"executor state of {self.order_id}"


class ExecutorEvent(models.Model):
    """What the executor did or saw about one order: registration, risk triggers, kill
    switch trips, cancel-all results, refused creates. The order's timeline merges these
    with its own OrderEvents.

    A trigger that fires again on the order's next tick is counted into the same row
    (`count`, `first_at` → `last_at`, the latest figures in `data`) instead of adding one
    row per tick; a tick without it, or a restart of the run, starts a new row.
    """

    order = models.ForeignKey(
        "orders.MarketMakingOrder", on_delete=models.PROTECT, related_name="executor_events"
    )
    kind = models.CharField(max_length=50)
    actor = models.CharField(max_length=150, help_text="system:executor or operator:<id>")
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    count = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    trace_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["first_at", "id"]
        indexes = [models.Index(fields=["order", "first_at"], name="executor_event_order_time")]

    def __str__(self) -> str:
        times = f" ×{self.count}" if self.count > 1 else ""
        return f"{self.order_id}: {self.kind}{times}"


class TradeCursor(models.Model):
    """The last trade id read from an API key's trade history on one symbol."""

    api_key = models.ForeignKey(ExchangeAPIKey, on_delete=models.CASCADE, related_name="+")
    symbol = models.CharField(max_length=50)
    last_trade_id = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "orders_tradecursor"
        constraints = [
            models.UniqueConstraint(fields=["api_key", "symbol"], name="trade_cursor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.symbol} trades of key {self.api_key_id} after {self.last_trade_id or '-'}"


class MarketTickSchedule(models.Model):
    """When a market is next due, and who is ticking it now.

    Both change by compare-and-swap (`filter(..., field__lte=now).update(...)`): the beat
    claims a due market before enqueueing its tick, and a tick takes the lease before
    touching the market, so one tick runs per market at a time without a lock held
    across exchange calls.
    """

    pair = models.OneToOneField(TradingPair, on_delete=models.CASCADE, primary_key=True)
    next_tick_at = models.DateTimeField(db_index=True)
    leased_until = models.DateTimeField()
    # Which writing of the market's executor states and tracked orders is the latest: a new
    # random value from every lease's end and from every write outside a tick
    # (executor.services). A worker whose tick left the value it finds at its next lease
    # still holds those rows as they are stored (executor.working_set).
    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "orders_markettickschedule"

    def __str__(self) -> str:
        return f"pair {self.pair_id}: next tick {self.next_tick_at:%H:%M:%S}"


class GlobalKillSwitch(models.Model):
    """One row (pk=1). Engaged, the executor cancels every quote and places none."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    engaged = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_globalkillswitch"
        verbose_name_plural = "global kill switches"
        permissions = [
            ("toggle_global_kill_switch", "Can engage or release the global kill switch")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="global_kill_switch_singleton")
        ]

    def __str__(self) -> str:
        return "global kill switch: " + ("ENGAGED" if self.engaged else "released")
