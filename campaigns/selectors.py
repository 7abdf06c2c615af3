"""Reads of campaigns that the API, the pages, the join round and the reward pipeline share."""

import json
from decimal import Decimal

from django.db.models import Q, QuerySet

from campaigns.models import Campaign, CampaignParticipation, RewardReceipt
from core.errors import ApplicationError, NotFoundError
from orders.models import MarketMakingOrder
from orders.states import OrderState

# The orders that trade: only these are joined and counted as taking part.
TRADING_STATES = (OrderState.RUNNING, OrderState.PAUSED)


def campaign_list(
    *,
    exchange: str | None = None,
    pair: str | None = None,
    campaign_type: str | None = None,
    status: str | None = None,
    chain_id: int | None = None,
) -> QuerySet[Campaign]:
    if campaign_type and campaign_type not in Campaign.Type.values:
        raise ApplicationError(
            f"Unknown campaign type {campaign_type!r}.",
            code="invalid_filter",
            detail={"type": Campaign.Type.values},
        )
    if status and status not in Campaign.Status.values:
        raise ApplicationError(
            f"Unknown campaign status {status!r}.",
            code="invalid_filter",
            detail={"status": Campaign.Status.values},
        )
    campaigns = Campaign.objects.all()
    if exchange:
        campaigns = campaigns.filter(exchange_name__iexact=exchange)
    if pair:
        campaigns = campaigns.filter(symbol__iexact=pair)
    if campaign_type:
        campaigns = campaigns.filter(type=campaign_type)
    if status:
        campaigns = campaigns.filter(status=status)
    if chain_id is not None:
        campaigns = campaigns.filter(chain_id=chain_id)
    return campaigns


def campaign_get(*, key: str) -> Campaign:
    chain, _, address = key.partition("-")
    campaign = None
    if chain.isdigit() and address:
        campaign = Campaign.objects.filter(chain_id=int(chain), address=address.lower()).first()
    if campaign is None:
        raise NotFoundError(f"No campaign {key}.")
    return campaign


def campaign_orders(*, campaign: Campaign) -> QuerySet[MarketMakingOrder]:
    """The orders that take part: those its participations were joined for."""
    return MarketMakingOrder.objects.filter(
        pk__in=CampaignParticipation.orders.through.objects.filter(
            campaignparticipation__campaign=campaign
        ).values("marketmakingorder_id")
    )


def campaigns_covering(*, exchange_ccxt_id: str, symbol: str) -> QuerySet[Campaign]:
    """Active trading campaigns on this exchange and pair."""
    return Campaign.objects.filter(
        status=Campaign.Status.ACTIVE,
        exchange_name__iexact=exchange_ccxt_id,
        symbol__iexact=symbol,
    ).filter(Q(type__endswith="MARKET_MAKING"))


def orders_trading() -> QuerySet[MarketMakingOrder]:
    return MarketMakingOrder.objects.filter(state__in=TRADING_STATES).select_related(
        "pair", "api_key__exchange"
    )


def participations_of(*, campaign: Campaign) -> QuerySet[CampaignParticipation]:
    return campaign.participations.select_related("identity").prefetch_related("orders")


def orders_in_campaign_of_user(*, campaign: Campaign, user: object) -> QuerySet[MarketMakingOrder]:
    """The user's orders that take part in the campaign (none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return MarketMakingOrder.objects.none()
    return campaign_orders(campaign=campaign).filter(user=user).select_related("pair__exchange")


def campaigns_of_user(*, user: object) -> QuerySet[Campaign]:
    """The campaigns the user's orders take part in, through the node's participations."""
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    joined_through = CampaignParticipation.orders.through.objects.filter(
        marketmakingorder__user=user
    ).values("campaignparticipation__campaign_id")
    return Campaign.objects.filter(pk__in=joined_through)


def campaign_volume(*, campaign: Campaign) -> Decimal:
    """All participants' volume in the cycle HuFi's leaderboard describes (the running
    one, or the last one once the campaign is over)."""
    rows = (campaign.leaderboard or {}).get("data", [])
    return sum((Decimal(str(row.get("result", "0"))) for row in rows), Decimal(0))


def flagged_volume_share() -> dict[str, object]:
    """Of the fills our reward manifests allocated over, the share (by quote value) the
    abuse heuristics flagged and excluded: a reputation input (docs/campaigns.md)."""
    total = flagged = Decimal(0)
    manifests = 0
    for body in RewardReceipt.objects.exclude(manifest_json="").values_list(
        "manifest_json", flat=True
    ):
        document = json.loads(body)
        excluded = set(document["outputs"]["excluded_trade_ids"])
        for fill in document["inputs"]["fills"]:
            value = Decimal(fill["price"]) * Decimal(fill["amount"])
            total += value
            if fill["trade_id"] in excluded:
                flagged += value
        manifests += 1
    share = (flagged / total).quantize(Decimal("0.000001")) if total else None
    return {"manifests": manifests, "fill_value": total, "flagged_value": flagged, "share": share}
