"""The stability report over HTTP: GET /api/v1/reports/stability/?pair=&from=&to=."""

from datetime import datetime, timedelta

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from core.errors import NotFoundError
from exchanges.models import TradingPair
from reports.selectors import StabilityReport, pair_stability
from reports.stability import BANDS_BPS, METHODOLOGY_VERSION, StabilityFigures

# Longer windows are asked per part: a window this long is read in one request.
MAX_WINDOW = timedelta(days=92)


class StabilityInputSerializer(serializers.Serializer):
    pair = serializers.IntegerField(min_value=1, help_text="Trading pair id.")
    from_ = serializers.DateTimeField(help_text="Window start (inclusive), ISO 8601.")
    to = serializers.DateTimeField(help_text="Window end (exclusive), ISO 8601.")

    def to_internal_value(self, data: object) -> dict:
        # `from` is a Python keyword: the field is `from_`, the query parameter and the
        # error's key are `from`.
        if hasattr(data, "get"):
            data = {"pair": data.get("pair"), "from_": data.get("from"), "to": data.get("to")}
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict) and "from_" in error.detail:
                error.detail["from"] = error.detail.pop("from_")
            raise

    def validate(self, attrs: dict) -> dict:
        if attrs["from_"] >= attrs["to"]:
            raise serializers.ValidationError({"to": "The window must end after it starts."})
        if attrs["to"] - attrs["from_"] > MAX_WINDOW:
            raise serializers.ValidationError(
                {"to": f"A window is at most {MAX_WINDOW.days} days; ask for it in parts."}
            )
        return attrs


class BandDepthSerializer(serializers.Serializer):
    band_bps = serializers.ChoiceField(choices=BANDS_BPS)
    bid_mean = serializers.DecimalField(max_digits=30, decimal_places=8, allow_null=True)
    bid_min = serializers.DecimalField(max_digits=30, decimal_places=8, allow_null=True)
    ask_mean = serializers.DecimalField(max_digits=30, decimal_places=8, allow_null=True)
    ask_min = serializers.DecimalField(max_digits=30, decimal_places=8, allow_null=True)


class FiguresSerializer(serializers.Serializer):
    methodology_version = serializers.CharField()
    interval_seconds = serializers.IntegerField()
    span_start = serializers.DateTimeField(allow_null=True)
    span_end = serializers.DateTimeField(allow_null=True)
    slots = serializers.IntegerField()
    observed = serializers.IntegerField()
    gaps = serializers.IntegerField()
    uptime = serializers.DecimalField(max_digits=8, decimal_places=6, allow_null=True)
    spread_p50_bps = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    spread_p95_bps = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    depth = BandDepthSerializer(many=True)
    depth_volatility = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    depth_drawdown = serializers.DecimalField(max_digits=8, decimal_places=6, allow_null=True)


class DayFiguresSerializer(serializers.Serializer):
    day = serializers.DateField()
    figures = FiguresSerializer()


class StabilityOutputSerializer(serializers.Serializer):
    pair = serializers.IntegerField()
    symbol = serializers.CharField()
    exchange = serializers.CharField()
    methodology_version = serializers.CharField()
    start = serializers.DateTimeField(help_text="The window asked for (`from`).")
    end = serializers.DateTimeField(help_text="Its end (`to`).")
    window = FiguresSerializer()
    days = DayFiguresSerializer(many=True, help_text="The window cut at UTC midnights.")


def stability_payload(
    *, pair: TradingPair, start: datetime, end: datetime, report: StabilityReport
) -> dict:
    def figures(value: StabilityFigures) -> dict:
        return {**vars(value), "depth": [vars(band) for band in value.depth]}

    return {
        "pair": pair.pk,
        "symbol": pair.symbol,
        "exchange": pair.exchange.name,
        "methodology_version": METHODOLOGY_VERSION,
        "start": start,
        "end": end,
        "window": figures(report.window),
        "days": [{"day": day.date(), "figures": figures(f)} for day, f in report.days],
    }


class StabilityApi(APIView):
    """Liquidity stability of a pair's book (docs/methodology.md): the public book as any
    trader saw it, so anyone may read it (the "depth is real" page does, without login)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("pair", int, required=True, description="Trading pair id."),
            OpenApiParameter("from", datetime, required=True, description="Window start."),
            OpenApiParameter("to", datetime, required=True, description="Window end."),
        ],
        responses={200: StabilityOutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request) -> Response:
        query = StabilityInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        pair = TradingPair.objects.select_related("exchange").filter(pk=params["pair"]).first()
        if pair is None:
            raise NotFoundError("No such pair.", detail={"pair": params["pair"]})
        start, end = params["from_"], params["to"]
        report = pair_stability(pair_id=pair.pk, start=start, end=end)
        payload = stability_payload(pair=pair, start=start, end=end, report=report)
        return Response(StabilityOutputSerializer(payload).data)
