"""The node operator panel: what the node is doing with its users' funds right now.

Exposure is the orders' ledger balances on each exchange (free there, or locked by open
orders); utilization is the locked share of it. Fees earned are the ledger's revenue
accounts. Alerts are the status page's non-healthy sources. Campaign rewards get their
figures once the campaigns package records them (the `campaign_rewards` seam below)."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from core.money import ASSET_PLACES, amount_at_places
from ledger.models import Account, Balance
from mrmarket.status import HEALTHY, system_status
from orders.models import MarketMakingOrder
from orders.states import TERMINAL_STATES


def _asset_names() -> dict[str, str]:
    from exchanges.models import TradingPair

    names: dict[str, str] = {}
    for base_id, base, quote_id, quote in TradingPair.objects.values_list(
        "base_asset_id", "base_symbol", "quote_asset_id", "quote_symbol"
    ):
        names[str(base_id)], names[str(quote_id)] = base, quote
    return names


def active_orders() -> dict[str, Any]:
    live = MarketMakingOrder.objects.exclude(state__in=TERMINAL_STATES)
    by_state = dict(live.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {"total": sum(by_state.values()), "by_state": dict(sorted(by_state.items()))}


def exposure() -> list[dict[str, str]]:
    """Per exchange and asset: the orders' funds there, locked by open orders or free, and
    the locked share (utilization)."""
    exchange_of = dict(
        MarketMakingOrder.objects.exclude(state__in=TERMINAL_STATES).values_list(
            "id", "pair__exchange__name"
        )
    )
    figures: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: {"free": Decimal(0), "locked": Decimal(0)}
    )
    balances = Balance.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__purpose__in=[Account.Purpose.ON_EXCHANGE, Account.Purpose.LOCKED],
    ).values_list("account__owner_id", "asset", "account__purpose", "amount")
    for owner_id, asset, purpose, amount in balances:
        exchange = exchange_of.get(_uuid(owner_id))
        if exchange is None or not amount:
            continue
        side = "locked" if purpose == Account.Purpose.LOCKED else "free"
        figures[(exchange, str(asset))][side] += amount
    names = _asset_names()
    rows = []
    for (exchange, asset), amounts in sorted(figures.items()):
        total = amounts["free"] + amounts["locked"]
        rows.append(
            {
                "exchange": exchange,
                "asset": names.get(asset, asset),
                "free": amount_at_places(amounts["free"], ASSET_PLACES),
                "locked": amount_at_places(amounts["locked"], ASSET_PLACES),
                "total": amount_at_places(total, ASSET_PLACES),
                "utilization": f"{(amounts['locked'] / total * 100):.1f} %" if total else "-",
            }
        )
    return rows


def _uuid(text: str) -> object:
    import uuid

    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def fees_earned() -> list[dict[str, str]]:
    names = _asset_names()
    revenue = (
        Balance.objects.filter(account__purpose=Account.Purpose.REVENUE)
        .values("asset")
        .annotate(total=Sum("amount"))
        .order_by("asset")
    )
    return [
        {
            "asset": names.get(str(row["asset"]), str(row["asset"])),
            "amount": amount_at_places(row["total"], ASSET_PLACES),
        }
        for row in revenue
    ]


def campaign_rewards() -> dict[str, Any]:
    # The campaigns package (HuFi) is being built; it fills this with estimated and
    # received rewards per campaign.
    return {"available": False, "rows": []}


def operator_panel() -> dict[str, Any]:
    status = system_status()
    return {
        "orders": active_orders(),
        "exposure": exposure(),
        "fees": fees_earned(),
        "rewards": campaign_rewards(),
        "alerts": [c for c in status["checks"] if c["level"] != HEALTHY],
        "status": status["status"],
    }
