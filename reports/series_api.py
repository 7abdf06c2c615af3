"""An order's chart series over HTTP: GET /api/v1/market-making/orders/{id}/series/?from&to.

Readable by whoever may read the order's report (reports.access): its owner, or anyone
once the owner made the proof public."""

import uuid

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from reports.access import order_for_proof
from reports.bundle.window import moment_read
from reports.series import order_series, series_window


def _column(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(allow_null=True), help_text=help_text)


class BandColumnsSerializer(serializers.Serializer):
    """One column per band (bps from mid): the quote value of our resting quotes."""

    def get_fields(self) -> dict[str, serializers.Field]:
        from reports.stability import BANDS_BPS

        return {str(band): _column(f"Within ±{band} bps of mid.") for band in BANDS_BPS}


class OwnDepthSerializer(serializers.Serializer):
    bid = BandColumnsSerializer()
    ask = BandColumnsSerializer()


class InventorySeriesSerializer(serializers.Serializer):
    base = _column("Base on the exchange (free and in quotes).")
    quote = _column("Quote on the exchange (free and in quotes).")


class SeriesFillPointSerializer(serializers.Serializer):
    time = serializers.FloatField(help_text="Unix seconds.")
    traded_at = serializers.DateTimeField()
    side = serializers.ChoiceField(choices=["buy", "sell"])
    price = serializers.CharField()
    amount = serializers.CharField()
    trade_id = serializers.CharField()


class OrderSeriesSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared through the field map below.
    to = serializers.DateTimeField()
    resolution = serializers.ChoiceField(
        choices=["raw", "minute", "hour"],
        help_text="raw up to 6 h, minute up to 3 days, hour beyond (docs/reports.md).",
    )
    resolution_seconds = serializers.IntegerField()
    bands_bps = serializers.ListField(child=serializers.IntegerField())
    points = serializers.IntegerField(help_text="Entries in each column.")
    time = serializers.ListField(child=serializers.FloatField(), help_text="Unix seconds.")
    mid = _column("The market's mid.")
    best_bid = _column("The market's best bid.")
    best_ask = _column("The market's best ask.")
    own_bid = _column("Our best bid.")
    own_ask = _column("Our best ask.")
    spread_bps = _column("Our quotes' spread, bps of mid.")
    market_spread_bps = _column("The market's spread, bps of mid.")
    own_depth = OwnDepthSerializer()
    inventory = InventorySeriesSerializer()
    equity = _column("Base at mid plus quote, in quote.")
    fills = SeriesFillPointSerializer(many=True, help_text="Oldest first; the newest 2,000.")
    fills_total = serializers.IntegerField(help_text="Fills in the window.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField()
        return fields


class OrderSeriesApi(APIView):
    permission_classes = [AllowAny]  # the owner, or anyone for a public proof

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO 8601; default: the order's creation"),
            OpenApiParameter("to", str, description="ISO 8601; default: now"),
        ],
        responses={200: OrderSeriesSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = order_for_proof(user=request.user, order_id=order_id)
        start, end = series_window(
            order=order,
            start=moment_read(request.query_params.get("from"), name="from"),
            end=moment_read(request.query_params.get("to"), name="to"),
            now=timezone.now(),
        )
        return Response(order_series(order=order, start=start, end=end))
