"""The creator dashboard over HTTP: GET /api/v1/reports/dashboard/?window=24h|7d|30d, the
signed-in user's orders aggregated (reports.dashboard)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from reports.dashboard import WINDOWS, dashboard_of_user


class DashboardInputSerializer(serializers.Serializer):
    window = serializers.ChoiceField(choices=sorted(WINDOWS), default="24h")


def _decimal(places: int, **kwargs: object) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=40, decimal_places=places, **kwargs)


class QuoteSeriesSerializer(serializers.Serializer):
    quote_symbol = serializers.CharField()
    values = serializers.ListField(child=_decimal(8), help_text="One value per time.")


class DashboardOrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    symbol = serializers.CharField()
    exchange = serializers.CharField()
    state = serializers.CharField()
    quote_symbol = serializers.CharField()
    uptime = _decimal(6, allow_null=True)
    spread_p50_bps = _decimal(2, allow_null=True)
    depth = _decimal(8, allow_null=True, help_text="Mean two-sided depth, in quote.")
    volume = _decimal(8, help_text="Fills' price × amount in the window, in quote.")
    fills = serializers.IntegerField()


class RewardReceivedSerializer(serializers.Serializer):
    asset_id = serializers.UUIDField()
    symbol = serializers.CharField()
    places = serializers.IntegerField()
    amount = _decimal(18)


class DashboardSerializer(serializers.Serializer):
    window = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    step_seconds = serializers.IntegerField(help_text="Each bucket's length.")
    times = serializers.ListField(child=serializers.DateTimeField(), help_text="Bucket starts.")
    uptime = serializers.ListField(child=_decimal(6, allow_null=True))
    spread_p50_bps = serializers.ListField(child=_decimal(2, allow_null=True))
    depth = QuoteSeriesSerializer(many=True, help_text="Summed per quote asset.")
    volume = QuoteSeriesSerializer(many=True, help_text="Summed per quote asset.")
    orders = DashboardOrderSerializer(many=True)
    rewards_received = RewardReceivedSerializer(many=True, help_text="Booked in the window.")


class DashboardApi(APIView):
    """All my orders' uptime, spread, depth and volume over a window, per bucket."""

    @extend_schema(
        parameters=[
            OpenApiParameter("window", str, enum=sorted(WINDOWS), description="Default 24h.")
        ],
        responses={200: DashboardSerializer, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        query = DashboardInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = dashboard_of_user(
            user=request.user, window=query.validated_data["window"], now=timezone.now()
        )
        return Response(DashboardSerializer(body).data)
