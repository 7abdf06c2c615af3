"""An order's full lifecycle, oldest first, one page at a time: every exchange order it
placed and how each ended (with our client id, the exchange's id, the cancel reason or the
error class), every fill with its trade id, every executor event and every funds-loop
transition, each with its trace id."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import Any

from executor.models import FINAL_STATUSES, ExchangeFill, ExecutorEvent, TrackedOrder
from orders.models import MarketMakingOrder, OrderEvent
from reports.facts import actor_shown, time_text

LIFECYCLE_PAGE_SIZE = 100


def _exchange_order(t: TrackedOrder) -> dict[str, Any]:
    return {
        "client_order_id": t.client_order_id,
        "exchange_order_id": t.exchange_order_id,
        "side": t.side,
        "level": t.level,
        "price": str(t.price.normalize()),
        "amount": str(t.amount.normalize()),
    }


def _placed(rows: Iterable[TrackedOrder]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for t in rows:
        yield (
            time_text(t.created_at) or "",
            t.pk,
            {
                "at": time_text(t.created_at),
                "source": "exchange_order",
                "kind": "placed",
                **_exchange_order(t),
                "trace_id": t.trace_id,
            },
        )


def _ended(rows: Iterable[TrackedOrder]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for t in rows:
        yield (
            time_text(t.updated_at) or "",
            t.pk,
            {
                "at": time_text(t.updated_at),
                "source": "exchange_order",
                "kind": t.status,
                **_exchange_order(t),
                "filled_amount": str(t.filled_amount.normalize()),
                "reason": t.cancel_reason,
                "error_class": t.error_class,
                "error": t.last_error,
                "trace_id": t.trace_id,
            },
        )


def _fills(rows: Iterable[ExchangeFill]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for f in rows:
        yield (
            time_text(f.traded_at) or "",
            f.pk,
            {
                "at": time_text(f.traded_at),
                "source": "fill",
                "kind": "filled",
                "trade_id": f.trade_id,
                "client_order_id": f.tracked_order.client_order_id,
                "exchange_order_id": f.tracked_order.exchange_order_id,
                "side": f.side,
                "price": str(f.price.normalize()),
                "amount": str(f.amount.normalize()),
                "fee": str(f.fee.normalize()),
                "fee_asset": f.fee_asset,
                "maker": f.is_maker,
                "ledger_key": f.ledger_key,
                "trace_id": f.tracked_order.trace_id,
            },
        )


def _executor_events(rows: Iterable[ExecutorEvent]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for e in rows:
        yield (
            time_text(e.first_at) or "",
            e.pk,
            {
                "at": time_text(e.first_at),
                "last_at": time_text(e.last_at),
                "count": e.count,
                "source": "executor",
                "kind": e.kind,
                "actor": actor_shown(e.actor),
                "reason": e.reason,
                "data": e.data,
                "trace_id": e.trace_id,
            },
        )


def _order_events(rows: Iterable[OrderEvent]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for e in rows:
        yield (
            time_text(e.created_at) or "",
            e.pk,
            {
                "at": time_text(e.created_at),
                "source": "order",
                "kind": e.kind,
                "from": e.from_state,
                "to": e.to_state,
                "actor": actor_shown(e.actor),
                "reason": e.reason,
                "data": e.data,
                "trace_id": e.trace_id,
            },
        )


def _ranked(
    source: Iterator[tuple[str, int, dict[str, Any]]], rank: int
) -> Iterator[tuple[tuple[str, int, int], dict[str, Any]]]:
    for at, pk, line in source:
        yield (at, rank, pk), line


def order_lifecycle(
    *, order: MarketMakingOrder, page: int = 1, page_size: int = LIFECYCLE_PAGE_SIZE
) -> dict[str, Any]:
    """One page of the lifecycle. Each source reads at most the rows up to the page's end
    (plus one, to tell whether more follow), so a page costs five indexed reads."""
    upto = page * page_size
    limit = upto + 1
    tracked = TrackedOrder.objects.filter(order=order)
    sources = [
        _order_events(OrderEvent.objects.filter(order=order).order_by("created_at", "id")[:limit]),
        _executor_events(
            ExecutorEvent.objects.filter(order=order).order_by("first_at", "id")[:limit]
        ),
        _placed(tracked.order_by("created_at", "id")[:limit]),
        _ended(tracked.filter(status__in=FINAL_STATUSES).order_by("updated_at", "id")[:limit]),
        _fills(
            ExchangeFill.objects.filter(tracked_order__order=order)
            .select_related("tracked_order")
            .order_by("traded_at", "id")[:limit]
        ),
    ]
    # The source's position breaks ties: at one instant a transition precedes what the
    # executor did about it, and a placement precedes its end and its fills.
    keyed = [_ranked(source, rank) for rank, source in enumerate(sources)]
    merged = [line for _, line in heapq.merge(*keyed, key=lambda keyed_line: keyed_line[0])]
    return {
        "events": merged[upto - page_size : upto],
        "page": page,
        "page_size": page_size,
        "has_more": len(merged) > upto,
    }
