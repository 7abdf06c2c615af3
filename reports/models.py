"""Metric snapshots (docs/methodology.md): what the book and each running order looked like
every sampling interval, and their 1-minute and 1-hour roll-ups once the raw rows age out.

Sized for 1,000 running orders over 30 days: one fixed column per band and side rather
than JSON, no surrogate id (the key is subject + time), and the roll-ups keep exactly what
the stability figures need (reports.stability.Bucket), so the figures of a window do not
change when its rows are rolled up.
"""

from typing import TYPE_CHECKING

from django.db import models

from core.money import MoneyField

if TYPE_CHECKING:
    from core.money import DecimalColumn
from exchanges.models import TradingPair
from reports.stability import BANDS_BPS

SIDES = ("bid", "ask")


def depth_column(**kwargs: object) -> "DecimalColumn":
    """A quote value (reports.stability.DEPTH_PLACES)."""
    return models.DecimalField(max_digits=30, decimal_places=8, **kwargs)  # type: ignore[arg-type]


def band_columns(prefix: str) -> list[str]:
    """`bid_10, …, ask_200` for prefix ""; `bid_sum_10, …` for prefix "sum"."""
    infix = f"_{prefix}" if prefix else ""
    return [f"{side}{infix}_{band}" for side in SIDES for band in BANDS_BPS]


def _add_band_columns(model: type[models.Model], prefix: str, **kwargs: object) -> None:
    for name in band_columns(prefix):
        model.add_to_class(name, depth_column(**kwargs))


class SampleColumns(models.Model):
    """A raw snapshot: one sampling slot (`at`, aligned to the interval)."""

    at = models.DateTimeField()
    readable = models.BooleanField(help_text="False when the book could not be read: a gap.")
    two_sided = models.BooleanField(help_text="The uptime rule held (docs/methodology.md).")
    spread_bps = models.DecimalField(max_digits=10, decimal_places=2, null=True)

    class Meta:
        abstract = True


_add_band_columns(SampleColumns, "")


class RollupColumns(models.Model):
    """A run of snapshots in [at, at + resolution): reports.stability.Bucket as columns."""

    resolution_seconds = models.PositiveIntegerField()
    at = models.DateTimeField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    samples = models.PositiveIntegerField()
    observed = models.PositiveIntegerField()
    up = models.PositiveIntegerField()
    spreads = models.JSONField(help_text="spread (bps) → number of snapshots at it")
    depth_sum = depth_column()
    depth_sum_sq = models.DecimalField(max_digits=60, decimal_places=16)
    depth_min = depth_column(null=True)
    depth_max = depth_column(null=True)
    drawdown = models.DecimalField(max_digits=30, decimal_places=20)

    class Meta:
        abstract = True


_add_band_columns(RollupColumns, "sum")
_add_band_columns(RollupColumns, "min", null=True)


class MarketSnapshot(SampleColumns):
    """The market's book: best prices, spread and depth per band within ±band of mid."""

    pk = models.CompositePrimaryKey("pair", "at")
    pair = models.ForeignKey(TradingPair, on_delete=models.CASCADE, related_name="+")
    best_bid = MoneyField(null=True)
    best_ask = MoneyField(null=True)
    mid = MoneyField(null=True)
    data_age_ms = models.PositiveIntegerField(
        null=True, help_text="From the slot's start to the book's answer."
    )

    class Meta:
        ordering = ["pair", "at"]

    def __str__(self) -> str:
        return f"pair {self.pair_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class OrderSnapshot(SampleColumns):
    """One running order against that book: its own resting quotes per band (valued at the
    market's mid), its best prices, inventory and equity."""

    pk = models.CompositePrimaryKey("order", "at")
    order = models.ForeignKey(
        "orders.MarketMakingOrder", on_delete=models.CASCADE, related_name="+"
    )
    own_bid = MoneyField(null=True)
    own_ask = MoneyField(null=True)
    base_inventory = MoneyField(help_text="On the exchange, free and reserved.")
    quote_inventory = MoneyField()
    equity = MoneyField(null=True, help_text="In quote, base valued at mid.")
    open_orders = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order", "at"]

    def __str__(self) -> str:
        return f"order {self.order_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class MarketRollup(RollupColumns):
    pk = models.CompositePrimaryKey("pair", "resolution_seconds", "at")
    pair = models.ForeignKey(TradingPair, on_delete=models.CASCADE, related_name="+")
    # The book at the bucket's last snapshot: what a chart over a long window draws.
    best_bid = MoneyField(null=True)
    best_ask = MoneyField(null=True)
    mid = MoneyField(null=True)

    class Meta:
        ordering = ["pair", "resolution_seconds", "at"]

    def __str__(self) -> str:
        return f"pair {self.pair_id}, {self.resolution_seconds} s from {self.at:%Y-%m-%d %H:%M}"


class OrderRollup(RollupColumns):
    pk = models.CompositePrimaryKey("order", "resolution_seconds", "at")
    order = models.ForeignKey(
        "orders.MarketMakingOrder", on_delete=models.CASCADE, related_name="+"
    )
    # The order's position and best quotes at the bucket's last snapshot.
    own_bid = MoneyField(null=True)
    own_ask = MoneyField(null=True)
    base_inventory = MoneyField()
    quote_inventory = MoneyField()
    equity = MoneyField(null=True)
    open_orders_max = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order", "resolution_seconds", "at"]

    def __str__(self) -> str:
        return f"order {self.order_id}, {self.resolution_seconds} s from {self.at:%Y-%m-%d %H:%M}"


class ReportSelfCheck(models.Model):
    """The node checking itself: a report bundle built for a running order's last day,
    verified as any reader would (`report_verify`), and the figures the node reports live
    (the stability API's) compared with those recomputed from the bundle's facts. These
    rows are the report verification rate and deviation of the reputation inputs."""

    order = models.ForeignKey(
        "orders.MarketMakingOrder", on_delete=models.CASCADE, related_name="+"
    )
    checked_at = models.DateTimeField(db_index=True)
    window_from = models.DateTimeField()
    window_to = models.DateTimeField()
    bundle_sha256 = models.CharField(max_length=64)
    verified = models.BooleanField(help_text="The bundle verified with no problem.")
    problems = models.JSONField(default=list, blank=True)
    uptime_deviation = models.DecimalField(
        max_digits=8, decimal_places=6, null=True, help_text="|reported − recomputed| uptime."
    )
    spread_deviation_bps = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, help_text="|reported − recomputed| p50."
    )

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"order {self.order_id} checked {self.checked_at:%Y-%m-%d %H:%M}: {self.verified}"


class PublishedProof(models.Model):
    """An order's public proof as a worker built it (reports/public_proof.py): the signed
    bundle of the proof window, byte for byte, and the summary the proof page shows, so no
    visitor's request ever builds a bundle. One row per public order, rebuilt each minute
    while it runs; a finished order's final window is built once (`final`). Deleted when
    the owner makes the proof private again."""

    order = models.OneToOneField(
        "orders.MarketMakingOrder",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="published_proof",
    )
    since = models.DateTimeField()
    until = models.DateTimeField(db_index=True)
    final = models.BooleanField(
        default=False, help_text="The finished order's last window: never rebuilt."
    )
    summary = models.JSONField(help_text="What GET /api/v1/proof/orders/{id}/ answers.")
    # The exact bundle file (tens of MB for 100,000 fills): read only for a download.
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="The bundle's sha256 (of its report).")
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"proof of order {self.order_id} until {self.until:%Y-%m-%d %H:%M}"
