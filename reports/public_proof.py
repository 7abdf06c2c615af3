"""What the public proof pages read: an order whose owner made its proof public, summed
up from its signed execution report bundle, and the public orders of a pair or the node.

The summary is the bundle's own figures for a fixed window (the order's creation to the
last whole minute, or past its end once it is finished), with the bundle's hash and
signature: the page links the download of that same window, so the file a visitor gets
hashes to what the page shows. It carries no personal data: no user, no Mixin id, no
amounts funded and no PnL (those stay in the bundle, which the owner chose to publish).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import NotFoundError
from orders.models import MarketMakingOrder
from orders.states import TERMINAL_STATES
from reports.bundle.build import BUNDLE_FORMAT, bundle_sign, report_document
from reports.facts import time_text

MINUTE = timedelta(minutes=1)
# A summary is built once per order and window end (a minute); a busy page builds no more.
SUMMARY_CACHE_SECONDS = 120


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


def order_proof_summary(*, order: MarketMakingOrder, now: datetime | None = None) -> dict[str, Any]:
    since, until = proof_window(order=order, now=now)
    key = f"order-proof:{order.pk}:{until.isoformat()}:{order.state}"
    summary = cache.get(key)
    if summary is None:
        summary = _summary(order, since, until)
        cache.set(key, summary, SUMMARY_CACHE_SECONDS)
    return summary


def _summary(order: MarketMakingOrder, since: datetime, until: datetime) -> dict[str, Any]:
    report = report_document(order=order, since=since, until=until)
    bundle = bundle_sign(report)
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
            "created_at": order.created_at,
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
