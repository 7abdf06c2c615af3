from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from exchanges.models import Exchange, ExchangeAPIKey
from exchanges.serializers import (
    APIKeyCreateInputSerializer,
    APIKeyOutputSerializer,
    ExchangeOutputSerializer,
)
from exchanges.services import api_key_create


class ExchangeListApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: ExchangeOutputSerializer(many=True), **error_responses()})
    def get(self, request: Request) -> Response:
        return Response(ExchangeOutputSerializer(Exchange.objects.all(), many=True).data)


@method_decorator(sensitive_post_parameters("secret", "api_key"), name="dispatch")
class ExchangeAPIKeyApi(APIView):
    """The one endpoint that accepts a raw exchange credential (admins only)."""

    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: APIKeyOutputSerializer(many=True), **error_responses(404)})
    def get(self, request: Request, exchange_id: int) -> Response:
        exchange = get_object_or_404(Exchange, pk=exchange_id)
        keys = ExchangeAPIKey.objects.filter(exchange=exchange)
        return Response(APIKeyOutputSerializer(keys, many=True).data)

    @extend_schema(
        request=APIKeyCreateInputSerializer,
        responses={201: APIKeyOutputSerializer, **error_responses(404, 415)},
    )
    @method_decorator(sensitive_variables("data"))
    def post(self, request: Request, exchange_id: int) -> Response:
        exchange = get_object_or_404(Exchange, pk=exchange_id)
        data = APIKeyCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = api_key_create(exchange=exchange, **data.validated_data)
        return Response(APIKeyOutputSerializer(key).data, status=status.HTTP_201_CREATED)
