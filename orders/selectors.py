import heapq

from django.db.models import QuerySet

from core.errors import ApplicationError, NotFoundError
from core.money import decimal_text
from exchanges.models import TradingPair
from exchanges.selectors import pair_market_read
from executor.models import ExecutorEvent
from executor.selectors import order_events_latest
from ledger.selectors import order_balances
from mixin_kernel.invoice import Invoice
from orders.models import MarketMakingOrder, OrderEvent, StrategyPreset
from wallet.invoices import InvoiceLeg, market_making_invoice

# A preview is interactive: a slow exchange should fail fast rather than hang the page.
PREVIEW_TIMEOUT_MS = 5000
TIMELINE_PAGE_SIZE = 50


def preset_list_enabled() -> QuerySet[StrategyPreset]:
    return StrategyPreset.objects.filter(enabled=True)


def preset_get_enabled(*, name: str) -> StrategyPreset:
    """The preset a user picked; an unknown or disabled name is the user's input error."""
    preset = preset_list_enabled().filter(name=name).first()
    if preset is None:
        raise ApplicationError(
            f"There is no strategy preset named {name!r}.",
            code="invalid",
            detail={"preset": ["Unknown or disabled preset."]},
        )
    return preset


def order_list_for_user(*, user) -> QuerySet[MarketMakingOrder]:
    return MarketMakingOrder.objects.filter(user=user).select_related("pair__exchange")


def order_get_for_user(*, user, order_id: object) -> MarketMakingOrder:
    """The user's own order; someone else's order is as unknown as a missing one."""
    order = order_list_for_user(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFoundError("There is no such order.", detail={"id": str(order_id)})
    return order


def order_invoice(*, order: MarketMakingOrder) -> Invoice:
    return market_making_invoice(
        pair_id=order.pair.uuid,
        order_id=order.pk,
        legs=[
            InvoiceLeg(asset_id=e.asset_id, amount=e.amount_due, trace_id=e.trace_id)
            for e in order.payment_entries.all()
        ],
    )


def order_payment(*, order: MarketMakingOrder) -> dict:
    """The invoice the user pays: one MIN link for every entry, and the entries themselves."""
    entries = list(order.payment_entries.all())
    invoice = order_invoice(order=order)
    return {
        "url": invoice.pay_url(),
        "entries": [
            {
                "purpose": e.purpose,
                "asset_id": str(e.asset_id),
                "amount": decimal_text(e.amount_due),
                "paid": decimal_text(e.amount_paid),
                "trace_id": str(e.trace_id),
            }
            for e in entries
        ],
    }


def timeline_page_from(value: str | None, *, name: str = "timeline_page") -> int:
    """The page a request asks for (`?timeline_page=`, or `name`), 1 when it asks none."""
    if value is None or value == "":
        return 1
    if not value.isdigit() or int(value) < 1:
        raise ApplicationError(
            f"The {name.replace('_', ' ')} is a number from 1.",
            code="invalid",
            detail={name: ["A positive whole number."]},
        )
    return int(value)


def order_timeline(
    *, order: MarketMakingOrder, page: int = 1, page_size: int = TIMELINE_PAGE_SIZE
) -> dict:
    """One page of the order's timeline, newest first: its own events (transitions and
    figures) merged in time with what the executor recorded about it. An executor event
    that repeated is one line with its count and last time."""
    upto = page * page_size
    own = OrderEvent.objects.filter(order=order).order_by("-created_at", "-id")[: upto + 1]
    executor = order_events_latest(order_id=order.pk, limit=upto + 1)
    merged = [
        line
        for _, line in heapq.merge(
            ((e.created_at, _order_line(e)) for e in own),
            ((e.first_at, _executor_line(e)) for e in executor),
            key=lambda timed: timed[0],
            reverse=True,
        )
    ]
    return {
        "events": merged[upto - page_size : upto],
        "page": page,
        "has_more": len(merged) > upto,
    }


def _order_line(event: OrderEvent) -> dict:
    return {
        "at": event.created_at.isoformat(),
        "last_at": event.created_at.isoformat(),
        "count": 1,
        "source": "order",
        "kind": event.kind,
        "from": event.from_state,
        "to": event.to_state,
        "actor": event.actor,
        "reason": event.reason,
        "data": event.data,
    }


def _executor_line(event: ExecutorEvent) -> dict:
    return {
        "at": event.first_at.isoformat(),
        "last_at": event.last_at.isoformat(),
        "count": event.count,
        "source": "executor",
        "kind": event.kind,
        "from": "",
        "to": "",
        "actor": event.actor,
        "reason": event.reason,
        "data": event.data,
    }


def order_detail(*, order: MarketMakingOrder, timeline_page: int = 1) -> dict:
    """Everything the order page shows: state, legs with their external ids, the ledger's
    balances and a page of the timeline (newest first)."""
    balances = order_balances(order_id=order.pk)
    timeline = order_timeline(order=order, page=timeline_page)
    return {
        "id": str(order.pk),
        "state": order.state,
        "pair": {
            "id": order.pair_id,
            "symbol": order.pair.symbol,
            "exchange": order.pair.exchange.name,
        },
        "preset": order.strategy_preset.name,
        "overrides": order.strategy_overrides,
        "config_hash": order.config_hash,
        "base_amount": decimal_text(order.base_amount),
        "quote_amount": decimal_text(order.quote_amount),
        "memo": order.memo,
        "expires_at": order.expires_at.isoformat(),
        "trace_id": order.trace_id,
        "lifecycle_error": order.lifecycle_error,
        "attention": order.attention,
        "created_at": order.created_at.isoformat(),
        "payment": order_payment(order=order),
        "legs": [
            {
                "leg": leg.leg,
                "asset_id": str(leg.asset_id),
                "amount": decimal_text(leg.amount),
                "network": leg.network,
                "withdrawal_fee": decimal_text(leg.withdrawal_fee),
                "withdrawal_hash": leg.withdrawal_hash,
                "exchange_deposit_ref": leg.exchange_deposit_ref,
                "deposited_amount": None
                if leg.deposited_amount is None
                else decimal_text(leg.deposited_amount),
                "exit_amount": None if leg.exit_amount is None else decimal_text(leg.exit_amount),
                "exit_withdrawal_id": leg.exit_withdrawal_id,
                "exit_tx_hash": leg.exit_tx_hash,
                "returned_amount": None
                if leg.returned_amount is None
                else decimal_text(leg.returned_amount),
            }
            for leg in order.legs.all()
        ],
        "balances": {
            str(asset): {
                "available": decimal_text(b.available),
                "in_transit": decimal_text(b.in_transit),
                "on_exchange": decimal_text(b.on_exchange),
                "locked": decimal_text(b.locked),
                "fees_paid": decimal_text(b.fees_paid),
            }
            for asset, b in balances.items()
        },
        "payouts": [
            {
                "kind": p.kind,
                "asset_id": str(p.asset_id),
                "amount": decimal_text(p.amount),
                "status": p.status,
                "reason": p.reason,
            }
            for p in order.payouts.all()
        ],
        "timeline": timeline["events"],
        "timeline_page": {"page": timeline["page"], "has_more": timeline["has_more"]},
    }


def pair_list_for_orders() -> QuerySet[TradingPair]:
    return TradingPair.objects.filter(
        enabled=True, kind=TradingPair.Kind.MARKET_MAKING, exchange__enabled=True
    ).select_related("exchange")


def pair_market_for_preview(*, pair: TradingPair, depth: int = 20) -> dict:
    """The pair's current book and trading rules in the strategy preview's market input."""
    market = pair_market_read(pair=pair, depth=depth, timeout_ms=PREVIEW_TIMEOUT_MS)
    return {
        "bids": [[str(level.price), str(level.amount)] for level in market.book.bids],
        "asks": [[str(level.price), str(level.amount)] for level in market.book.asks],
        "last_price": str(market.ticker.last),
        "tick_size": str(market.rules.tick_size),
        "step_size": str(market.rules.step_size),
        "min_notional": str(market.rules.min_notional),
        "min_amount": str(market.rules.min_qty),
    }
