"""The stability methodology as pure functions (docs/methodology.md): from a book to the
figures a snapshot stores, and from snapshot rows to the stability figures.

Nothing here touches Django or the database, so a report bundle can recompute the figures
from the rows it carries and get the same numbers: `stability_figures(buckets, ...)` takes
raw samples (`bucket_of_sample`) and rolled-up rows alike, since a raw sample is a bucket
of one. Changing any rule here changes what the figures mean: bump METHODOLOGY_VERSION and
say what changed in docs/methodology.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

METHODOLOGY_VERSION = "stability-1"
BANDS_BPS = (10, 25, 50, 100, 200)
# A snapshot is "up" when both sides hold at least the pair's minimum order within this band.
UPTIME_BAND_BPS = 100
SPREAD_PERCENTILES = (50, 95)

DEPTH_PLACES = Decimal("0.00000001")
BPS_PLACES = Decimal("0.01")
RATIO_PLACES = Decimal("0.000001")
_UPTIME_INDEX = BANDS_BPS.index(UPTIME_BAND_BPS)
_TEN_THOUSAND = Decimal(10_000)
_ZEROS = tuple(Decimal(0) for _ in BANDS_BPS)

Depths = tuple[Decimal, ...]  # quote value per band, in BANDS_BPS order


# -- one book -----------------------------------------------------------------------------


def mid_of(best_bid: Decimal, best_ask: Decimal) -> Decimal:
    return (best_bid + best_ask) / 2


def spread_bps(best_bid: Decimal, best_ask: Decimal, mid: Decimal) -> Decimal:
    return ((best_ask - best_bid) / mid * _TEN_THOUSAND).quantize(BPS_PLACES, ROUND_HALF_EVEN)


def spread_step(spread: Decimal) -> Decimal:
    """A spread as the percentiles rank it: rounded up to two significant digits (19.99 →
    20, 1.234 → 1.3), never tighter than measured. It bounds how many distinct spreads a
    rolled-up row keeps to a few tens, where 0.01 bps would keep almost every snapshot's."""
    if spread <= 0:
        return spread.quantize(BPS_PLACES)
    step = Decimal(1).scaleb(spread.adjusted() - 1)
    return ((spread / step).to_integral_value(ROUND_CEILING) * step).quantize(BPS_PLACES)


def band_depths(levels: Iterable[tuple[Decimal, Decimal]], *, mid: Decimal, bid: bool) -> Depths:
    """Quote value (price × amount) resting within each band of mid on one side.

    A band's edge is inclusive: a bid at exactly mid × (1 − b/10,000) counts in band b."""
    totals = [Decimal(0)] * len(BANDS_BPS)
    for price, amount in levels:
        distance = (mid - price) if bid else (price - mid)
        for index, band in enumerate(BANDS_BPS):
            if distance * _TEN_THOUSAND <= mid * band:
                totals[index] += price * amount
    return tuple(total.quantize(DEPTH_PLACES, ROUND_DOWN) for total in totals)


def is_two_sided(bid: Depths, ask: Depths, *, min_quote: Decimal) -> bool:
    """The uptime rule: each side holds at least `min_quote` (the pair's minimum order,
    valued at mid) within UPTIME_BAND_BPS of mid; an empty side is never enough."""
    least = min(bid[_UPTIME_INDEX], ask[_UPTIME_INDEX])
    return least > 0 and least >= min_quote


# -- rows -> figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One snapshot as the figures see it. `readable` is False when the book could not be
    read (the sample is a gap; a one-sided book was read and is simply not up); `spread`
    is None unless both best prices were known."""

    at: datetime
    readable: bool
    spread: Decimal | None
    bid: Depths
    ask: Depths
    two_sided: bool


@dataclass
class Bucket:
    """What the figures need of a run of samples; a rolled-up row stores exactly this.

    `drawdown` is the largest relative fall of the two-sided depth inside the bucket, so
    that buckets merge without losing it (see `_merge_drawdown`)."""

    first_at: datetime
    last_at: datetime
    samples: int = 0  # rows, readable or not (they mark the sampled span)
    observed: int = 0  # readable rows
    up: int = 0
    spreads: Counter[Decimal] = field(default_factory=Counter)  # spread_step → snapshots
    bid_sum: Depths = _ZEROS
    ask_sum: Depths = _ZEROS
    bid_min: Depths | None = None
    ask_min: Depths | None = None
    depth_sum: Decimal = Decimal(0)  # the two-sided depth: min(bid, ask) in the uptime band
    depth_sum_sq: Decimal = Decimal(0)
    depth_min: Decimal | None = None
    depth_max: Decimal | None = None
    drawdown: Decimal = Decimal(0)


def two_sided_depth(bid: Depths, ask: Depths) -> Decimal:
    return min(bid[_UPTIME_INDEX], ask[_UPTIME_INDEX])


def bucket_of_sample(sample: Sample) -> Bucket:
    bucket = Bucket(first_at=sample.at, last_at=sample.at, samples=1)
    if not sample.readable:
        return bucket
    depth = two_sided_depth(sample.bid, sample.ask)
    bucket.observed = 1
    bucket.up = int(sample.two_sided)
    if sample.spread is not None:
        bucket.spreads[spread_step(sample.spread)] += 1
    bucket.bid_sum, bucket.ask_sum = sample.bid, sample.ask
    bucket.bid_min, bucket.ask_min = sample.bid, sample.ask
    bucket.depth_sum, bucket.depth_sum_sq = depth, depth * depth
    bucket.depth_min = bucket.depth_max = depth
    return bucket


def _add(a: Depths, b: Depths) -> Depths:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _least(a: Depths | None, b: Depths | None) -> Depths | None:
    if a is None or b is None:
        return a if b is None else b
    return tuple(min(x, y) for x, y in zip(a, b, strict=True))


def _fall(peak: Decimal | None, trough: Decimal | None) -> Decimal:
    if peak is None or trough is None or peak <= 0 or trough >= peak:
        return Decimal(0)
    return (peak - trough) / peak


def buckets_merge(buckets: Sequence[Bucket]) -> Bucket:
    """One bucket for consecutive buckets given in time order. Exact: every figure of the
    merged bucket equals the figure of the samples it came from."""
    ordered = sorted(buckets, key=lambda b: b.first_at)
    merged = Bucket(first_at=ordered[0].first_at, last_at=max(b.last_at for b in ordered))
    with localcontext() as ctx:
        ctx.prec = 60
        for bucket in ordered:
            # The drawdown of a sample in this bucket is its fall from the peak before it,
            # which is either the peak of the earlier buckets or one inside this bucket.
            merged.drawdown = max(
                merged.drawdown, bucket.drawdown, _fall(merged.depth_max, bucket.depth_min)
            )
            merged.samples += bucket.samples
            merged.observed += bucket.observed
            merged.up += bucket.up
            merged.spreads.update(bucket.spreads)
            merged.bid_sum = _add(merged.bid_sum, bucket.bid_sum)
            merged.ask_sum = _add(merged.ask_sum, bucket.ask_sum)
            merged.bid_min = _least(merged.bid_min, bucket.bid_min)
            merged.ask_min = _least(merged.ask_min, bucket.ask_min)
            merged.depth_sum += bucket.depth_sum
            merged.depth_sum_sq += bucket.depth_sum_sq
            for name, pick in (("depth_min", min), ("depth_max", max)):
                mine, theirs = getattr(merged, name), getattr(bucket, name)
                if theirs is not None:
                    setattr(merged, name, theirs if mine is None else pick(mine, theirs))
    return merged


# -- rows as facts (the JSON a report bundle carries) ------------------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(text: object) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _depths_of(values: Sequence[object] | None) -> Depths | None:
    return None if values is None else tuple(Decimal(str(v)) for v in values)


def sample_as_facts(sample: Sample) -> dict[str, object]:
    return {
        "at": sample.at.isoformat(),
        "readable": sample.readable,
        "two_sided": sample.two_sided,
        "spread_bps": _text(sample.spread),
        "bid": [str(v) for v in sample.bid],
        "ask": [str(v) for v in sample.ask],
    }


def bucket_as_facts(bucket: Bucket, *, resolution_seconds: int) -> dict[str, object]:
    def texts(values: Depths | None) -> list[str] | None:
        return None if values is None else [str(v) for v in values]

    return {
        "resolution_seconds": resolution_seconds,
        "first_at": bucket.first_at.isoformat(),
        "last_at": bucket.last_at.isoformat(),
        "samples": bucket.samples,
        "observed": bucket.observed,
        "up": bucket.up,
        "spreads": {str(k): v for k, v in sorted(bucket.spreads.items())},
        "bid_sum": texts(bucket.bid_sum),
        "ask_sum": texts(bucket.ask_sum),
        "bid_min": texts(bucket.bid_min),
        "ask_min": texts(bucket.ask_min),
        "depth_sum": str(bucket.depth_sum),
        "depth_sum_sq": str(bucket.depth_sum_sq),
        "depth_min": _text(bucket.depth_min),
        "depth_max": _text(bucket.depth_max),
        "drawdown": str(bucket.drawdown),
    }


def bucket_of_facts(facts: Mapping[str, Any]) -> Bucket:
    """A bucket from a row's facts: a raw snapshot's (sample_as_facts) or a rolled-up
    row's (bucket_as_facts, which has `resolution_seconds`)."""
    if "resolution_seconds" not in facts:
        return bucket_of_sample(
            Sample(
                at=datetime.fromisoformat(facts["at"]),
                readable=facts["readable"],
                spread=_number(facts["spread_bps"]),
                bid=_depths_of(facts["bid"]) or (),
                ask=_depths_of(facts["ask"]) or (),
                two_sided=facts["two_sided"],
            )
        )
    return Bucket(
        first_at=datetime.fromisoformat(facts["first_at"]),
        last_at=datetime.fromisoformat(facts["last_at"]),
        samples=facts["samples"],
        observed=facts["observed"],
        up=facts["up"],
        spreads=Counter({Decimal(k): v for k, v in facts["spreads"].items()}),
        bid_sum=_depths_of(facts["bid_sum"]) or (),
        ask_sum=_depths_of(facts["ask_sum"]) or (),
        bid_min=_depths_of(facts["bid_min"]),
        ask_min=_depths_of(facts["ask_min"]),
        depth_sum=Decimal(facts["depth_sum"]),
        depth_sum_sq=Decimal(facts["depth_sum_sq"]),
        depth_min=_number(facts["depth_min"]),
        depth_max=_number(facts["depth_max"]),
        drawdown=Decimal(facts["drawdown"]),
    )


def figures_of_facts(
    rows: Iterable[Mapping[str, Any]], *, interval_seconds: int
) -> StabilityFigures:
    """The stability figures recomputed from rows' facts alone (what a bundle verifier
    does)."""
    return stability_figures(
        [bucket_of_facts(row) for row in rows], interval_seconds=interval_seconds
    )


def _percentile(counts: Counter[Decimal], percent: int) -> Decimal | None:
    """Nearest rank: the smallest value with at least `percent` % of the samples at or
    below it."""
    total = sum(counts.values())
    if not total:
        return None
    rank = math.ceil(percent * total / 100)
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


@dataclass(frozen=True)
class BandDepth:
    band_bps: int
    bid_mean: Decimal | None
    bid_min: Decimal | None
    ask_mean: Decimal | None
    ask_min: Decimal | None


@dataclass(frozen=True)
class StabilityFigures:
    methodology_version: str
    interval_seconds: int
    span_start: datetime | None  # first sampled slot of the window
    span_end: datetime | None  # one interval after the last sampled slot
    slots: int  # sampling slots in the span
    observed: int  # slots with a readable snapshot
    gaps: int  # slots without one: missing rows and unreadable books
    uptime: Decimal | None  # two-sided snapshots / slots (a gap is not up)
    spread_p50_bps: Decimal | None
    spread_p95_bps: Decimal | None
    depth: tuple[BandDepth, ...]
    depth_volatility: Decimal | None  # stdev / mean of the two-sided depth
    depth_drawdown: Decimal | None  # largest fall of the two-sided depth from a prior peak

    def as_dict(self) -> dict[str, object]:
        """Plain JSON values: decimals and times as strings, so they hash the same anywhere."""

        def text(value: object) -> object:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, datetime):
                return value.isoformat()
            return value

        return {
            "methodology_version": self.methodology_version,
            "interval_seconds": self.interval_seconds,
            "span_start": text(self.span_start),
            "span_end": text(self.span_end),
            "slots": self.slots,
            "observed": self.observed,
            "gaps": self.gaps,
            "uptime": text(self.uptime),
            "spread_p50_bps": text(self.spread_p50_bps),
            "spread_p95_bps": text(self.spread_p95_bps),
            "depth": [
                {key: text(value) for key, value in vars(band).items()} for band in self.depth
            ],
            "depth_volatility": text(self.depth_volatility),
            "depth_drawdown": text(self.depth_drawdown),
        }


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator / denominator).quantize(RATIO_PLACES, ROUND_HALF_EVEN)


def stability_figures(buckets: Sequence[Bucket], *, interval_seconds: int) -> StabilityFigures:
    """The stability figures of a subject's rows in a window (docs/methodology.md).

    The span runs from the first to the last sampled slot; every slot inside it without a
    readable snapshot is a gap and counts as not up. Depth and spread figures are over the
    readable snapshots."""
    if not buckets:
        return StabilityFigures(
            METHODOLOGY_VERSION, interval_seconds, None, None, 0, 0, 0, None, None, None,
            tuple(BandDepth(band, None, None, None, None) for band in BANDS_BPS), None, None,
        )  # fmt: skip
    total = buckets_merge(buckets)
    step = timedelta(seconds=interval_seconds)
    span_end = total.last_at + step
    slots = max(total.samples, (span_end - total.first_at) // step)
    with localcontext() as ctx:
        ctx.prec = 60
        n = Decimal(total.observed)
        depth = tuple(
            BandDepth(
                band_bps=band,
                bid_mean=(total.bid_sum[i] / n).quantize(DEPTH_PLACES) if n else None,
                bid_min=total.bid_min[i] if total.bid_min else None,
                ask_mean=(total.ask_sum[i] / n).quantize(DEPTH_PLACES) if n else None,
                ask_min=total.ask_min[i] if total.ask_min else None,
            )
            for i, band in enumerate(BANDS_BPS)
        )
        volatility = None
        if n and total.depth_sum > 0:
            mean = total.depth_sum / n
            variance = max(Decimal(0), total.depth_sum_sq / n - mean * mean)
            volatility = _ratio(variance.sqrt(), mean)
        drawdown = total.drawdown.quantize(RATIO_PLACES, ROUND_HALF_EVEN) if n else None
    return StabilityFigures(
        methodology_version=METHODOLOGY_VERSION,
        interval_seconds=interval_seconds,
        span_start=total.first_at,
        span_end=span_end,
        slots=slots,
        observed=total.observed,
        gaps=slots - total.observed,
        uptime=_ratio(Decimal(total.up), Decimal(slots)),
        spread_p50_bps=_percentile(total.spreads, SPREAD_PERCENTILES[0]),
        spread_p95_bps=_percentile(total.spreads, SPREAD_PERCENTILES[1]),
        depth=depth,
        depth_volatility=volatility,
        depth_drawdown=drawdown,
    )
