"""What the public proof pages read: an order whose owner made its proof public, summed
up from its signed execution report bundle, and the public orders of a pair or the node.

The summary is the bundle's own figures for a fixed window (the order's creation to the
last whole minute, or past its end once it is finished), with the bundle's hash and
signature: the page links the download of that same window, so the file a visitor gets
hashes to what the page shows. It carries no personal data: no user, no Mixin id, no
amounts funded and no PnL (those stay in the bundle, which the owner chose to publish).

A bundle of a busy order costs seconds of CPU, so no visitor's request builds one: a
worker builds the proof and stores it (`PublishedProof`: the summary and the bundle's exact
bytes), when the owner makes it public and then every minute while the order runs
(`reports.tasks.reports_proofs_refresh`); a finished order's final window is built once.
Requests only read the stored row; before the first build they answer `proof_pending`.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from rest_framework.fields import DateTimeField

from core.errors import ApplicationError, NotFoundError
from orders.models import MarketMakingOrder
from orders.states import TERMINAL_STATES
from reports.bundle.build import BUNDLE_FORMAT, SignedBundle, bundle_sign, report_document
from reports.facts import time_text
from reports.models import PublishedProof

logger = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
# What a visitor is told to wait before asking again for a proof not built yet: the
# build is enqueued when the owner makes it public, the beat catches up within a minute.
PROOF_PENDING_RETRY_SECONDS = 15
# The summary's fields, read without the bundle's bytes (tens of MB for a busy order).
_SUMMARY_FIELDS = ("since", "until", "final", "summary", "sha256", "built_at")


class ProofPendingError(ApplicationError):
    """The order's proof is public but its first build is not stored yet (503)."""

    code = "proof_pending"
    status_code = 503

    def __init__(self, order_id: object) -> None:
        super().__init__(
            "The signed report of this order is being prepared; try again shortly.",
            detail={"id": str(order_id), "retry_after_seconds": PROOF_PENDING_RETRY_SECONDS},
        )


def public_order_get(*, order_id: object) -> MarketMakingOrder:
    """The order when its owner made its proof public; otherwise it does not exist here,
    for its owner too (the owner's own pages show everything)."""
    order = (
        MarketMakingOrder.objects.select_related("pair__exchange")
        .filter(pk=order_id, proof_public=True)
        .first()
    )
    if order is None:
        raise NotFoundError("There is no such public order.", detail={"id": str(order_id)})
    return order


def public_orders(*, pair_id: int | None = None, limit: int = 50) -> QuerySet[MarketMakingOrder]:
    query = MarketMakingOrder.objects.filter(proof_public=True, frozen_config__isnull=False)
    if pair_id is not None:
        query = query.filter(pair_id=pair_id)
    return query.select_related("pair__exchange").order_by("-created_at")[:limit]


def window_clock() -> datetime:
    """The time a proof window is cut at (a seam for the tests' clock)."""
    return timezone.now()


def _minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def proof_window(
    *, order: MarketMakingOrder, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """[the order's creation, the last whole minute) while it runs; once it is finished,
    up to the minute after its last change, so the window holds all it did."""
    now = now or window_clock()
    end = _minute_floor(now)
    if order.state in TERMINAL_STATES:
        end = min(end, _minute_floor(order.state_changed_at) + MINUTE)
    return order.created_at, max(end, _minute_floor(order.created_at) + MINUTE)


def _activity(pnl: dict[str, Any]) -> dict[str, Any]:
    activity = pnl["activity"]
    fills = activity["fills"]
    return {
        "volume_base": activity["volume"]["base"],
        "volume_quote": activity["volume"]["quote"],
        "fills": fills["count"],
        "fills_maker": fills["maker_buy"] + fills["maker_sell"],
        "fills_taker": fills["taker_buy"] + fills["taker_sell"],
        "fills_buy": fills["maker_buy"] + fills["taker_buy"],
        "fills_sell": fills["maker_sell"] + fills["taker_sell"],
        "orders_placed": activity["orders"]["placed"],
        "orders_cancelled": sum(activity["orders"]["cancelled"].values()),
    }


def published_proof_get(*, order: MarketMakingOrder, content: bool = False) -> PublishedProof:
    """The stored proof of a public order (`content`: with the bundle's bytes), or
    ProofPendingError before its first build. A row left over from before the owner made
    the proof private is never served: the order must be public now (public_order_get)."""
    query = PublishedProof.objects.filter(order_id=order.pk, order__proof_public=True)
    if not content:
        query = query.only(*_SUMMARY_FIELDS)
    proof = query.first()
    if proof is None:
        raise ProofPendingError(order.pk)
    return proof


def order_proof_summary(*, order: MarketMakingOrder) -> dict[str, Any]:
    """The stored summary; no bundle is built here (see the module's docstring)."""
    return published_proof_get(order=order).summary


def _window_is_final(order: MarketMakingOrder, until: datetime) -> bool:
    """The window of a finished order that reaches the minute after its last change: the
    order will do nothing more, so this proof is never rebuilt."""
    return (
        order.state in TERMINAL_STATES and until >= _minute_floor(order.state_changed_at) + MINUTE
    )


def published_proof_build(
    *, order: MarketMakingOrder, now: datetime | None = None
) -> PublishedProof | None:
    """Build and store the order's proof for its current window (proof_window). Idempotent:
    the same window gives the same bytes (the bundle does not depend on when it is built)
    and one row per order is overwritten. Returns None, storing nothing, when the order is
    not public (any more)."""
    order = MarketMakingOrder.objects.select_related("pair__exchange").get(pk=order.pk)
    if not order.proof_public:
        return None
    since, until = proof_window(order=order, now=now)
    report = report_document(order=order, since=since, until=until)
    bundle = bundle_sign(report)
    row = PublishedProof(
        order=order,
        since=since,
        until=until,
        final=_window_is_final(order, until),
        summary=_summary(order, since, until, report, bundle),
        content=bundle.content,
        sha256=bundle.sha256,
        built_at=timezone.now(),
    )
    with transaction.atomic():
        # The order's row, locked, orders this write after the switch's and after any other
        # build of the same order (the beat's run and the build the switch sent may race).
        public = (
            MarketMakingOrder.objects.select_for_update()
            .filter(pk=order.pk, proof_public=True)
            .values_list("pk", flat=True)
            .first()
        )
        if public is None:
            return None  # made private while the bundle was built: the switch deleted the row
        stored = PublishedProof.objects.filter(order_id=order.pk).values_list("until", flat=True)
        if (stored_until := stored.first()) is not None and stored_until > until:
            return None  # a later window was stored while this one was built: keep it
        PublishedProof.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["order"],
            update_fields=[*_SUMMARY_FIELDS, "content"],
        )
    return row


def proofs_due(*, now: datetime, limit: int) -> list[MarketMakingOrder]:
    """Public orders whose stored proof is missing, or behind the current minute and not a
    finished order's final window: never built first, then the stalest."""
    query = (
        MarketMakingOrder.objects.filter(proof_public=True)
        .filter(
            Q(published_proof__isnull=True)
            | Q(published_proof__final=False, published_proof__until__lt=_minute_floor(now))
        )
        .select_related("pair__exchange")
        # Never built first (PostgreSQL would put the NULLs last).
        .order_by(F("published_proof__until").asc(nulls_first=True), "created_at")
    )
    return list(query[:limit])


def published_proofs_refresh(*, now: datetime | None = None, limit: int) -> int:
    """Build up to `limit` due proofs (proofs_due); returns how many were built."""
    now = now or window_clock()
    built = 0
    for order in proofs_due(now=now, limit=limit):
        try:
            proof = published_proof_build(order=order, now=now)
        except Exception:
            # One order's failing build must not hold back the others' in this run; it stays
            # due (the stalest), so the next runs retry it and the log says why.
            logger.exception("public proof build failed", extra={"order_id": str(order.pk)})
            continue
        built += proof is not None
    return built


def _summary(
    order: MarketMakingOrder,
    since: datetime,
    until: datetime,
    report: dict[str, Any],
    bundle: SignedBundle,
) -> dict[str, Any]:
    """The summary as JSON (stored, and answered as is): times as the API writes them."""
    figures = report["figures"]
    market = report["order"]["market"]
    return {
        "order": {
            "id": str(order.pk),
            "exchange": market["exchange"],
            "symbol": market["symbol"],
            "base": market["base"],
            "quote": market["quote"],
            "state": order.state,
            "created_at": DateTimeField().to_representation(order.created_at),
            "config_hash": report["order"]["config_hash"],
        },
        "window": {"from": time_text(since), "to": time_text(until)},
        "methodology": report["methodology"],
        "activity": _activity(figures["pnl"]),
        "stability": figures["stability"],
        "bundle": {
            "format": BUNDLE_FORMAT,
            "sha256": bundle.sha256,
            "signature": bundle.signature,
            "public_key": bundle.public_key,
            "size": len(bundle.content),
        },
    }
