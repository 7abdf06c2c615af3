"""PnL and activity read from the database: per order, and summed per user, pair or node."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from orders.models import MarketMakingOrder
from reports.facts import exchange_order_rows, fill_rows, funded_row, market_row, time_text
from reports.marks import fee_rates_read, mark_read
from reports.pnl import figures_sum, order_figures


def order_pnl(
    *, order: MarketMakingOrder, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """The order's PnL at `until` (now when None) and its activity in [since, until)."""
    at = until or timezone.now()
    fills = fill_rows(order_id=order.pk, until=until)
    return order_figures(
        market=market_row(order.pair),
        funded=funded_row(order),
        fills=fills,
        exchange_orders=exchange_order_rows(order_id=order.pk, until=until),
        mark=mark_read(pair=order.pair, at=at),
        fee_rates=fee_rates_read(pair=order.pair, assets={f["fee_asset"] for f in fills}, at=at),
        since=time_text(since),
    )


def _summed(orders: QuerySet[MarketMakingOrder]) -> dict[str, Any]:
    """Figures summed per quote asset: amounts in different quote assets never add."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in orders.select_related("pair__exchange").prefetch_related("legs"):
        groups[order.pair.quote_symbol].append(order_pnl(order=order))
    return {quote: figures_sum(figures) for quote, figures in sorted(groups.items())}


def pnl_per_user(*, user: Any) -> dict[str, Any]:
    return _summed(MarketMakingOrder.objects.filter(user=user, frozen_config__isnull=False))


def pnl_per_pair(*, pair_id: int) -> dict[str, Any]:
    return _summed(MarketMakingOrder.objects.filter(pair_id=pair_id, frozen_config__isnull=False))


def pnl_of_node() -> dict[str, Any]:
    return _summed(MarketMakingOrder.objects.filter(frozen_config__isnull=False))
