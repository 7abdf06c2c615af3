"""The reads the user pages draw from, each with a declared schema: a pair's market (for
the create page's dry run), an order's quotes, fills and chart series, and the result of
an order from the ledger. Kept apart from orders/api.py, whose views write."""

import uuid
from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from core.errors import NotFoundError
from core.money import decimal_text
from orders.api import OrderCreateInputSerializer
from orders.api_schema import (
    AssetAmountSerializer,
    InvoiceLineSerializer,
    PairDisplaySerializer,
    PayoutSerializer,
)
from orders.order_activity import order_activity, order_assets, order_result
from orders.selectors import (
    order_get_for_user,
    pair_list_for_orders,
    pair_market_for_preview,
    timeline_page_from,
)
from orders.serializers import DecimalJSONParser
from orders.services.intents import order_invoice_quote


class PairMarketOutputSerializer(serializers.Serializer):
    bids = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    asks = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    last_price = serializers.CharField()
    tick_size = serializers.CharField()
    step_size = serializers.CharField()
    min_notional = serializers.CharField()
    min_amount = serializers.CharField()


class PairMarketApi(APIView):
    """The pair's current book and trading rules, in the strategy preview's `market` shape
    (public market data, read without an API key)."""

    @extend_schema(responses={200: PairMarketOutputSerializer, **error_responses(404)})
    def get(self, request: Request, pair_id: int) -> Response:
        pair = pair_list_for_orders().filter(pk=pair_id).first()
        if pair is None:
            raise NotFoundError("There is no such pair.", detail={"pair_id": pair_id})
        return Response(pair_market_for_preview(pair=pair))


class QuoteSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["buy", "sell"])
    level = serializers.IntegerField()
    price = serializers.CharField()
    amount = serializers.CharField()
    filled = serializers.CharField()
    status = serializers.CharField()
    placed_at = serializers.DateTimeField()


class FillSerializer(serializers.Serializer):
    trade_id = serializers.CharField()
    side = serializers.ChoiceField(choices=["buy", "sell"])
    price = serializers.CharField()
    amount = serializers.CharField()
    fee = serializers.CharField()
    fee_asset = serializers.CharField()
    is_maker = serializers.BooleanField()
    traded_at = serializers.DateTimeField()


class SeriesFillSerializer(serializers.Serializer):
    time = serializers.FloatField(help_text="Unix seconds.")
    side = serializers.ChoiceField(choices=["buy", "sell"])
    price = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    time = serializers.ListField(child=serializers.FloatField(), help_text="Unix seconds.")
    bid = serializers.ListField(child=serializers.CharField(allow_null=True))
    ask = serializers.ListField(child=serializers.CharField(allow_null=True))
    mid = serializers.ListField(
        child=serializers.CharField(allow_null=True), help_text="Midpoint of our best quotes."
    )
    fills = SeriesFillSerializer(many=True)


class FillsPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_more = serializers.BooleanField(help_text="An older page exists.")


class OrderActivityOutputSerializer(serializers.Serializer):
    pair = PairDisplaySerializer()
    open_quotes = QuoteSerializer(many=True)
    fills = FillSerializer(many=True, help_text="The page's fills, newest first.")
    fills_page = FillsPageSerializer()
    series = SeriesSerializer()


class OrderActivityApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("fills_page", int, description="From 1, newest first.")],
        responses={200: OrderActivityOutputSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id)
        page = timeline_page_from(request.query_params.get("fills_page"), name="fills_page")
        return Response(order_activity(order=order, fills_page=page))


class AssetDisplaySerializer(serializers.Serializer):
    symbol = serializers.CharField()
    places = serializers.IntegerField()


class ResultAssetSerializer(serializers.Serializer):
    asset_id = serializers.UUIDField()
    paid_in = serializers.CharField()
    paid_back = serializers.CharField()
    service_fee = serializers.CharField()
    network_and_trading_fees = serializers.CharField()
    trading_change = serializers.CharField()


class PayoutReceiptSerializer(PayoutSerializer):
    sent_at = serializers.DateTimeField(allow_null=True)
    request_id = serializers.UUIDField(allow_null=True)
    kernel_hash = serializers.CharField(allow_blank=True)
    snapshot_id = serializers.UUIDField(allow_null=True)
    snapshot_url = serializers.URLField(allow_null=True)
    is_refund = serializers.BooleanField()


class OrderResultOutputSerializer(serializers.Serializer):
    assets = ResultAssetSerializer(many=True)
    payouts = PayoutReceiptSerializer(many=True)
    asset_display = serializers.DictField(child=AssetDisplaySerializer())


class OrderResultApi(APIView):
    """What was paid in, paid back and charged, per asset, from the ledger."""

    @extend_schema(responses={200: OrderResultOutputSerializer, **error_responses(404)})
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id)
        return Response({**order_result(order=order), "asset_display": order_assets(order=order)})


class InvoiceQuoteOutputSerializer(serializers.Serializer):
    lines = InvoiceLineSerializer(many=True)
    totals = AssetAmountSerializer(many=True)


class InvoiceQuoteApi(APIView):
    """The invoice the same body sent to the order API would get: every line with the
    network fees Mixin quotes now, and the total per asset. Nothing is stored; a body the
    order API would refuse gets the same 400."""

    parser_classes = [DecimalJSONParser]

    @extend_schema(
        request=OrderCreateInputSerializer,
        responses={200: InvoiceQuoteOutputSerializer, **error_responses(404, 502, 503)},
    )
    def post(self, request: Request) -> Response:
        data = OrderCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lines = order_invoice_quote(
            pair_id=values["pair_id"],
            preset_name=values["strategy"]["preset"],
            overrides=values["strategy"]["overrides"],
            base_amount=values["base_amount"],
            quote_amount=values["quote_amount"],
        )
        totals: dict[str, Decimal] = {}
        for _, asset_id, amount in lines:
            totals[str(asset_id)] = totals.get(str(asset_id), Decimal(0)) + amount
        return Response(
            {
                "lines": [
                    {"purpose": purpose, "asset_id": str(asset_id), "amount": decimal_text(amount)}
                    for purpose, asset_id, amount in lines
                ],
                "totals": [
                    {"asset_id": asset_id, "amount": decimal_text(amount)}
                    for asset_id, amount in totals.items()
                ],
            }
        )
