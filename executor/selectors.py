"""Reads the executor needs on its hot path, each one query for a whole market."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db.models import Q

from exchanges.models import TradingPair
from executor.models import TrackedOrder
from ledger.models import Account, Balance
from orders.models import MarketMakingOrder
from orders.states import OrderState
from strategy import Balances


def running_orders_of_market(*, pair_id: int) -> list[MarketMakingOrder]:
    """Running, registered orders on the market, with their executor state."""
    return list(
        MarketMakingOrder.objects.filter(
            pair_id=pair_id, state=OrderState.RUNNING, executor_state__isnull=False
        )
        .select_related("executor_state", "pair")
        .order_by("created_at")
    )


def unreleased_tracked_orders(*, order_ids: Iterable[str]) -> list[TrackedOrder]:
    """Exchange orders that may still rest, or whose reservation is not yet released."""
    return list(
        TrackedOrder.objects.filter(order_id__in=list(order_ids), released=False).order_by(
            "order_id", "sequence"
        )
    )


def free_balances(*, order_ids: Iterable[str], pair: TradingPair) -> dict[str, Balances]:
    """Each order's free funds on the exchange (`on_exchange`), base and quote."""
    ids = [str(order_id) for order_id in order_ids]
    figures: dict[str, dict[str, Decimal]] = {
        i: {"base": Decimal(0), "quote": Decimal(0)} for i in ids
    }
    leg = {pair.base_asset_id: "base", pair.quote_asset_id: "quote"}
    rows = Balance.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__owner_id__in=ids,
        account__purpose=Account.Purpose.ON_EXCHANGE,
        asset__in=list(leg),
    ).values_list("account__owner_id", "asset", "amount")
    for owner_id, asset, amount in rows:
        figures[owner_id][leg[asset]] = amount
    return {i: Balances(base=f["base"], quote=f["quote"]) for i, f in figures.items()}


def due_markets(*, now: datetime) -> list[int]:
    """Pairs with running registered orders whose next tick is due (or never scheduled)."""
    return list(
        TradingPair.objects.filter(
            orders__state=OrderState.RUNNING, orders__executor_state__isnull=False
        )
        .filter(Q(markettickschedule__isnull=True) | Q(markettickschedule__next_tick_at__lte=now))
        .values_list("pk", flat=True)
        .distinct()
    )
