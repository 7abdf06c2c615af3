"""The public proof of an order over HTTP: GET /api/v1/proof/orders/{id}/ (anyone, for an
order whose owner made its proof public; 404 otherwise). Figures are the bundle's own
text, unrounded, as a worker stored them (reports/public_proof.py): the request builds
nothing, and answers 503 `proof_pending` with Retry-After until the first build is in."""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, error_response, error_responses
from reports.public_proof import ProofPendingError, order_proof_summary, public_order_get
from reports.stability import BANDS_BPS


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(allow_null=True, **kwargs)


class ProofOrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    exchange = serializers.CharField()
    symbol = serializers.CharField()
    base = serializers.CharField()
    quote = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    config_hash = serializers.CharField(help_text="sha256 of the frozen strategy config.")


class ProofWindowSerializer(serializers.Serializer):
    from_ = serializers.CharField(help_text="Fixed-width UTC text, as in the bundle.")
    to = serializers.CharField()

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ProofMethodologySerializer(serializers.Serializer):
    report = serializers.CharField()
    pnl = serializers.CharField()


class ProofActivitySerializer(serializers.Serializer):
    volume_base = serializers.CharField()
    volume_quote = serializers.CharField()
    fills = serializers.IntegerField()
    fills_maker = serializers.IntegerField()
    fills_taker = serializers.IntegerField()
    fills_buy = serializers.IntegerField()
    fills_sell = serializers.IntegerField()
    orders_placed = serializers.IntegerField()
    orders_cancelled = serializers.IntegerField()


class ProofBandSerializer(serializers.Serializer):
    band_bps = serializers.ChoiceField(choices=BANDS_BPS)
    bid_mean = _text()
    bid_min = _text()
    ask_mean = _text()
    ask_min = _text()


class ProofStabilitySerializer(serializers.Serializer):
    methodology_version = serializers.CharField()
    interval_seconds = serializers.IntegerField()
    span_start = _text()
    span_end = _text()
    slots = serializers.IntegerField()
    observed = serializers.IntegerField()
    gaps = serializers.IntegerField()
    uptime = _text(help_text="Share of slots up, 0 to 1.")
    spread_p50_bps = _text()
    spread_p95_bps = _text()
    depth = ProofBandSerializer(many=True)
    depth_volatility = _text()
    depth_drawdown = _text()


class ProofBundleSerializer(serializers.Serializer):
    format = serializers.CharField()
    sha256 = serializers.CharField(help_text="Hash of the report's canonical bytes.")
    signature = serializers.CharField(help_text="ed25519 signature of those 32 hash bytes.")
    public_key = serializers.CharField(help_text="The node's report key.")
    size = serializers.IntegerField(help_text="Bytes of the bundle file.")


class OrderProofSerializer(serializers.Serializer):
    order = ProofOrderSerializer()
    window = ProofWindowSerializer()
    methodology = ProofMethodologySerializer()
    activity = ProofActivitySerializer()
    stability = ProofStabilitySerializer(allow_null=True, help_text="null: no snapshot yet.")
    bundle = ProofBundleSerializer()


PROOF_PENDING = OpenApiResponse(
    ErrorSerializer,
    description=(
        "`proof_pending`: the proof is public but its signed report is not built yet (a "
        "worker builds it within a minute); ask again after `Retry-After` seconds "
        "(also `detail.retry_after_seconds`)."
    ),
)


def proof_pending_response(error: ProofPendingError) -> Response:
    """The 503 in the error shape, with the Retry-After header a client waits by."""
    response = error_response(error.code, error.message, error.detail, error.status_code)
    response["Retry-After"] = str(error.detail["retry_after_seconds"])
    return response


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[503],
    description="Seconds to wait before asking again.",
)


class PublicOrderProofApi(APIView):
    """An order's measured figures and its signed bundle's hash, for anyone."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[RETRY_AFTER],
        responses={200: OrderProofSerializer, **error_responses(404), 503: PROOF_PENDING},
        tags=["proof"],
    )
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = public_order_get(order_id=order_id)
        try:
            summary = order_proof_summary(order=order)
        except ProofPendingError as error:
            return proof_pending_response(error)
        return Response(OrderProofSerializer(summary).data)
