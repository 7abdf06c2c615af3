from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.selectors import preset_get_enabled, preset_list_enabled
from orders.serializers import (
    DecimalJSONParser,
    PresetListOutputSerializer,
    PresetOutputSerializer,
    PreviewInputSerializer,
    PreviewOutputSerializer,
)
from orders.services import strategy_config_freeze, strategy_preview
from orders.strategies import parameter_bounds
from orders.strategies.preview import preview_report


class PresetListApi(APIView):
    @extend_schema(responses=PresetListOutputSerializer)
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

    @extend_schema(request=PreviewInputSerializer, responses=PreviewOutputSerializer)
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
