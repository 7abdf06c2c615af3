"""The campaign API: discovery (list with filters, detail), read-only; public campaign data
for anyone, the parts about orders only to their owners; "mine" for a signed-in user."""

import math
from datetime import timedelta
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.launcher_rules import manifest_problems
from campaigns.models import Campaign, HufiIdentity, RewardReceipt
from campaigns.selectors import (
    campaign_get,
    campaign_list,
    campaign_orders,
    campaign_volume,
    campaigns_of_user,
    orders_in_campaign_of_user,
    participations_of,
)
from campaigns.serializers import (
    CampaignDetailSerializer,
    CampaignFilterSerializer,
    CampaignSerializer,
    ManifestCheckInputSerializer,
    ManifestCheckOutputSerializer,
    MyCampaignSerializer,
)
from campaigns.texts import HOW_THE_NODE_TAKES_PART, learn_more
from core.api import error_responses
from core.errors import ApplicationError, NotFoundError
from orders.serializers import DecimalJSONParser

ERROR = OpenApiResponse(description='{"error": {"code", "message", "detail"}}')


COMPUTED_FIELDS = ("key", "our_order_count", "volume")
SUMMARY_FIELDS = [n for n in CampaignSerializer().fields if n not in COMPUTED_FIELDS]


def _summary(campaign: Campaign) -> dict:
    return {
        **{name: getattr(campaign, name) for name in SUMMARY_FIELDS},
        "key": campaign.key,
        "our_order_count": campaign_orders(campaign=campaign).count(),
        "volume": campaign_volume(campaign=campaign),
    }


def _my_orders(campaign: Campaign, user: object) -> list[dict]:
    return [
        {
            "id": order.pk,
            "symbol": order.pair.symbol,
            "exchange": order.pair.exchange.name,
            "state": order.state,
        }
        for order in orders_in_campaign_of_user(campaign=campaign, user=user)
    ]


def _progress(campaign: Campaign) -> dict:
    duration = (campaign.end_date - campaign.start_date) / timedelta(days=1)
    total = max(1, math.ceil(duration))
    elapsed = (timezone.now() - campaign.start_date) // timedelta(days=1)
    fund = campaign.fund_amount
    return {
        "cycles_total": total,
        "cycles_elapsed": min(total, max(0, int(elapsed))),
        "amount_paid": campaign.amount_paid,
        "fund_amount": fund,
        "paid_fraction": campaign.amount_paid / fund if fund else Decimal(0),
    }


def _leaderboard(campaign: Campaign) -> list[dict]:
    ours = {a.lower() for a in HufiIdentity.objects.values_list("address", flat=True)}
    return [
        {
            "address": row.get("address", ""),
            "score": str(row.get("score", "0")),
            "result": str(row.get("result", "0")),
            "estimated_reward": str(row.get("estimated_reward", "0")),
            "ours": str(row.get("address", "")).lower() in ours,
        }
        for row in (campaign.leaderboard or {}).get("data", [])
    ]


class CampaignListApi(APIView):
    permission_classes = [AllowAny]  # public campaign data, as HuFi's launcher lists it

    @extend_schema(
        parameters=[CampaignFilterSerializer],
        responses={200: CampaignSerializer(many=True), **error_responses(400)},
        summary="HuFi campaigns the node knows of, newest first",
    )
    def get(self, request: Request) -> Response:
        filters = CampaignFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        campaigns = campaign_list(
            exchange=data.get("exchange"),
            pair=data.get("pair"),
            campaign_type=data.get("type"),
            status=data.get("status"),
            chain_id=data.get("chain_id"),
        )
        return Response(CampaignSerializer([_summary(c) for c in campaigns], many=True).data)


class CampaignDetailApi(APIView):
    permission_classes = [AllowAny]  # order parts only for their owner (staff: all)

    @extend_schema(
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, description="{chain_id}-{address}")
        ],
        responses={200: CampaignDetailSerializer, **error_responses(404)},
        summary="One campaign: manifest, progress, leaderboard, paid amounts, our part",
    )
    def get(self, request: Request, key: str) -> Response:
        campaign = campaign_get(key=key)
        signed_in = request.user.is_authenticated
        visible = None if request.user.is_staff else request.user.pk
        participations = [
            {
                "exchange_account": p.identity.trading_key.label,
                "address": p.identity.address,
                "state": p.state,
                "joined_at": p.joined_at,
                "attempts": p.attempts,
                "last_error": p.last_error,
                "order_ids": [
                    o.pk for o in p.orders.all() if visible is None or o.user_id == visible
                ],
            }
            for p in participations_of(campaign=campaign).select_related("identity__trading_key")
            if signed_in
        ]
        body = {
            **_summary(campaign),
            "manifest": {
                "type": campaign.type,
                "exchange": campaign.exchange_name,
                **campaign.details,
            },
            "oracle_fee_percent": campaign.oracle_fee_percent,
            "progress": _progress(campaign),
            "leaderboard": _leaderboard(campaign),
            "daily_paid_amounts": campaign.daily_paid_amounts,
            "learn_more": gettext(learn_more(campaign.type)),
            "how_the_node_takes_part": gettext(HOW_THE_NODE_TAKES_PART),
            "participations": participations,
            "my_orders": _my_orders(campaign, request.user),
            "rewards": [
                {
                    "cycle_from": r.cycle_from,
                    "cycle_to": r.cycle_to,
                    "amount": r.amount,
                    "state": r.state,
                    "manifest_sha256": r.manifest_sha256,
                    "allocations": [
                        a
                        for a in r.allocations.all()
                        if signed_in and (visible is None or a.user_id == visible)
                    ],
                }
                for r in campaign.rewards.prefetch_related("allocations")
            ],
        }
        return Response(CampaignDetailSerializer(body).data)


class MyCampaignsApi(APIView):
    @extend_schema(
        responses={200: MyCampaignSerializer(many=True), **error_responses()},
        summary="The campaigns my orders take part in, with those orders",
    )
    def get(self, request: Request) -> Response:
        body = [
            {**_summary(c), "my_orders": _my_orders(c, request.user)}
            for c in campaigns_of_user(user=request.user)
        ]
        return Response(MyCampaignSerializer(body, many=True).data)


class ManifestCheckApi(APIView):
    """Check a campaign form by HuFi's launcher rules (changes nothing; POST for the body)."""

    parser_classes = [DecimalJSONParser]

    @extend_schema(
        request=ManifestCheckInputSerializer,
        responses={200: ManifestCheckOutputSerializer, 400: ERROR, 401: ERROR},
        summary="Check a campaign manifest by the launcher's rules, every problem at once",
    )
    def post(self, request: Request) -> Response:
        data = ManifestCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        manifest = data.validated_data["manifest"]
        problems = manifest_problems(
            manifest,
            fund_amount=data.validated_data["fund_amount"],
            token_decimals=data.validated_data["token_decimals"],
            now=timezone.now(),
        )
        if problems:
            raise ApplicationError(
                "The manifest breaks HuFi's launcher rules.",
                code="manifest_invalid",
                detail={"problems": problems},
            )
        return Response({"valid": True, "learn_more": learn_more(str(manifest["type"]))})


class RewardManifestApi(APIView):
    """A reward manifest's exact bytes (canonical JSON), for `manage.py reward_verify`."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(description="The canonical JSON bytes."),
            401: ERROR,
            404: ERROR,
        },
        summary="A reward manifest, byte for byte",
    )
    def get(self, request: Request, sha256: str) -> HttpResponse:
        receipt = RewardReceipt.objects.filter(manifest_sha256=sha256).first()
        if receipt is None or not receipt.manifest_json:
            raise NotFoundError(f"No reward manifest {sha256}.")
        return HttpResponse(receipt.manifest_json.encode(), content_type="application/json")
