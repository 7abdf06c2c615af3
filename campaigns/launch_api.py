"""Creating a campaign: POST /api/v1/campaigns/ (the list's GET is discovery), the
creator's launches, and cancelling one before any fund arrived."""

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.api import CampaignListApi
from campaigns.launch_selectors import launch_detail, launch_get_for_user, launch_list_for_user
from campaigns.launch_serializers import LaunchCreateInputSerializer, LaunchSerializer
from campaigns.services.launch import launch_cancel, launch_create
from core.api import error_responses
from orders.serializers import DecimalJSONParser, idempotency_key_optional

LAUNCHES_LISTED = 100


class CampaignListCreateApi(CampaignListApi):
    parser_classes = [DecimalJSONParser]

    def get_permissions(self) -> list[BasePermission]:
        # Anyone reads the list; creating a campaign is a logged-in user's.
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=LaunchCreateInputSerializer,
        responses={201: LaunchSerializer, **error_responses(415, 422)},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Optional: a repeat with the same key returns the same campaign.",
            )
        ],
        summary="Create a campaign: checked by the launcher's rules, then funded (EVM or Mixin)",
    )
    def post(self, request: Request) -> Response:
        body = LaunchCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if v is not None and v != ""}
        launch = launch_create(
            user=request.user, data=data, idempotency_key=idempotency_key_optional(request)
        )
        return Response(
            LaunchSerializer(launch_detail(launch=launch)).data, status=status.HTTP_201_CREATED
        )


class LaunchListApi(APIView):
    @extend_schema(
        responses={200: LaunchSerializer(many=True), **error_responses()},
        summary="The campaigns I created, newest first, with their funding state",
    )
    def get(self, request: Request) -> Response:
        launches = launch_list_for_user(user=request.user)[:LAUNCHES_LISTED]
        return Response(
            LaunchSerializer([launch_detail(launch=x) for x in launches], many=True).data
        )


class LaunchDetailApi(APIView):
    @extend_schema(
        responses={200: LaunchSerializer, **error_responses(404)},
        summary="One campaign I created: its escrow, payment and funding steps",
    )
    def get(self, request: Request, launch_id: uuid.UUID) -> Response:
        launch = launch_get_for_user(user=request.user, launch_id=launch_id)
        return Response(LaunchSerializer(launch_detail(launch=launch)).data)


class LaunchCancelApi(APIView):
    @extend_schema(
        request=None,
        responses={200: LaunchSerializer, **error_responses(404, 409)},
        summary="Give up a campaign before any fund arrived",
    )
    def post(self, request: Request, launch_id: uuid.UUID) -> Response:
        launch = launch_get_for_user(user=request.user, launch_id=launch_id)
        launch = launch_cancel(launch=launch, user=request.user)
        return Response(LaunchSerializer(launch_detail(launch=launch)).data)
