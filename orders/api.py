import uuid
from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from core.errors import ApplicationError
from core.money import decimal_text
from orders.api_schema import (
    OrderActionAnswerSerializer,
    OrderCreatedSerializer,
    OrderDetailSerializer,
    OrderListItemSerializer,
    PairSerializer,
)
from orders.selectors import (
    order_detail,
    order_get_for_user,
    order_list_for_user,
    order_payment,
    pair_list_for_orders,
    preset_get_enabled,
    preset_list_enabled,
    timeline_page_from,
)
from orders.serializers import (
    AMOUNT_SCHEMA,
    DecimalJSONParser,
    OverridesField,
    PresetListOutputSerializer,
    PresetOutputSerializer,
    PreviewInputSerializer,
    PreviewOutputSerializer,
    amount_from_input,
    idempotency_key_optional,
)
from orders.services.control import order_control
from orders.services.intents import order_intent_create
from orders.services.strategy import strategy_config_freeze, strategy_preview
from strategy import parameter_bounds
from strategy.preview import preview_report


class PresetListApi(APIView):
    @extend_schema(responses={200: PresetListOutputSerializer, **error_responses()})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "parameters": parameter_bounds(),
                "presets": PresetOutputSerializer(preset_list_enabled(), many=True).data,
            }
        )


class StrategyPreviewApi(APIView):
    """Dry-run a preset with overrides against a market before funding an order."""

    parser_classes = [DecimalJSONParser]

    @extend_schema(
        request=PreviewInputSerializer,
        responses={200: PreviewOutputSerializer, **error_responses(415)},
    )
    def post(self, request: Request) -> Response:
        data = PreviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["preset"]
        preset = None if name is None else preset_get_enabled(name=name)
        frozen = strategy_config_freeze(preset=preset, overrides=data.validated_data["overrides"])
        decision = strategy_preview(
            params=frozen.params,
            market=data.validated_data["market"],
            balances=data.validated_data["balances"],
        )
        return Response(
            {**preview_report(decision), "config_hash": frozen.sha256, "params": frozen.config}
        )


@extend_schema_field(AMOUNT_SCHEMA)
class AmountField(serializers.Field):
    """An amount as plain decimal text or an exact JSON number (the parser reads numbers
    as Decimal), bounded to what a money column holds; the service checks sign and places."""

    def to_internal_value(self, data: object) -> Decimal:
        return amount_from_input(data)

    def to_representation(self, value: object) -> str:
        return str(value)


class OrderCreateInputSerializer(serializers.Serializer):
    class StrategyInput(serializers.Serializer):
        preset = serializers.CharField(max_length=50)
        overrides = OverridesField(required=False, default=dict)

    pair_id = serializers.IntegerField()
    strategy = StrategyInput()
    # Amounts as decimal text (JSON numbers are read exactly too); the service checks places.
    base_amount = AmountField()
    quote_amount = AmountField()


class OrderListCreateApi(APIView):
    parser_classes = [DecimalJSONParser]

    @extend_schema(responses={200: OrderListItemSerializer(many=True), **error_responses()})
    def get(self, request: Request) -> Response:
        orders = order_list_for_user(user=request.user)[:200]
        return Response(
            [
                {
                    "id": str(o.pk),
                    "state": o.state,
                    "pair": o.pair.symbol,
                    "exchange": o.pair.exchange.name,
                    "base_amount": str(o.base_amount),
                    "quote_amount": str(o.quote_amount),
                    "created_at": o.created_at.isoformat(),
                }
                for o in orders
            ]
        )

    @extend_schema(
        request=OrderCreateInputSerializer,
        responses={201: OrderCreatedSerializer, **error_responses(409, 415, 422, 502, 503)},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Optional: a repeat with the same key returns the same order.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = OrderCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = order_intent_create(
            user=request.user,
            pair_id=values["pair_id"],
            preset_name=values["strategy"]["preset"],
            overrides=values["strategy"]["overrides"],
            base_amount=values["base_amount"],
            quote_amount=values["quote_amount"],
            idempotency_key=idempotency_key_optional(request),
        )
        payment = order_payment(order=order)
        return Response(
            {
                "id": str(order.pk),
                "state": order.state,
                "memo": order.memo,
                "payment": payment,
                "expires_at": order.expires_at.isoformat(),
                "trace_id": order.trace_id,
            },
            status=status.HTTP_201_CREATED,
        )


class OrderDetailApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "timeline_page", int, description="Page of the timeline, newest first (1)."
            )
        ],
        responses={200: OrderDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id)
        page = timeline_page_from(request.query_params.get("timeline_page"))
        return Response(order_detail(order=order, timeline_page=page))


class OrderActionApi(APIView):
    """pause | resume | stop | exit, with an Idempotency-Key header: a replay of the key
    gets the first answer; a transition the state does not allow is a 409 with the state."""

    action_name = ""

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)
        ],
        responses={200: OrderActionAnswerSerializer, **error_responses(404, 409, 422)},
    )
    def post(self, request: Request, order_id: uuid.UUID) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 100:
            raise ApplicationError(
                "Send an Idempotency-Key header (1 to 100 characters) with every action.",
                code="idempotency_key_required",
                detail={"Idempotency-Key": ["required"]},
            )
        order = order_get_for_user(user=request.user, order_id=order_id)
        answer = order_control(
            order_id=order.pk,
            actor=f"user:{request.user.pk}",
            action=self.action_name,
            idempotency_key=key,
        )
        return Response(answer.body, status=answer.status_code)


class PairListApi(APIView):
    @extend_schema(responses={200: PairSerializer(many=True), **error_responses()})
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "id": p.pk,
                    "symbol": p.symbol,
                    "exchange": p.exchange.name,
                    "base_symbol": p.base_symbol,
                    "quote_symbol": p.quote_symbol,
                    "base_asset_id": str(p.base_asset_id),
                    "quote_asset_id": str(p.quote_asset_id),
                    "base_chain_id": str(p.base_chain_id),
                    "quote_chain_id": str(p.quote_chain_id),
                    "min_order_amount": decimal_text(p.min_order_amount),
                    "max_order_amount": None
                    if p.max_order_amount is None
                    else decimal_text(p.max_order_amount),
                    "amount_precision": p.amount_precision,
                    "price_precision": p.price_precision,
                }
                for p in pair_list_for_orders()
            ]
        )
