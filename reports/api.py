"""The reports API: an order's lifecycle, PnL and signed execution report, the owner's proof
switch, and the node's report public key."""

import uuid

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from core.errors import ApplicationError
from orders.selectors import order_get_for_user, timeline_page_from
from reports.access import order_for_proof
from reports.bundle.build import bundle_sign, report_document
from reports.bundle.csv_export import bundle_csv_zip
from reports.bundle.window import report_window
from reports.keys import report_public_key
from reports.lifecycle import order_lifecycle
from reports.selectors import order_pnl, pnl_per_user
from reports.serializers import (
    LifecyclePageSerializer,
    OrderPnlSerializer,
    ProofAnswerSerializer,
)
from reports.services import order_proof_visibility_set


class OrderLifecycleApi(APIView):
    permission_classes = [AllowAny]  # the owner, or anyone for a public proof (order_for_proof)

    @extend_schema(
        parameters=[OpenApiParameter("page", int, description="From 1, oldest first.")],
        responses={200: LifecyclePageSerializer, **error_responses(404)},
    )
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = order_for_proof(user=request.user, order_id=order_id)
        page = timeline_page_from(request.query_params.get("page"), name="page")
        return Response(order_lifecycle(order=order, page=page))


class OrderPnlApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OrderPnlSerializer, **error_responses(404)})
    def get(self, request: Request, order_id: uuid.UUID) -> Response:
        order = order_for_proof(user=request.user, order_id=order_id)
        return Response(order_pnl(order=order))


class UserPnlApi(APIView):
    """The user's orders' figures summed per quote asset."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **error_responses()})
    def get(self, request: Request) -> Response:
        return Response(pnl_per_user(user=request.user))


class OrderReportApi(APIView):
    """The signed bundle (`application/json`), or with `export=csv` its CSV zip. (`format`
    is DRF's content-negotiation parameter, hence another name.)"""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO 8601; default: the order's creation"),
            OpenApiParameter("to", str, description="ISO 8601; default: now"),
            OpenApiParameter("export", str, enum=["csv"], description="the CSV zip instead"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The signed bundle."
            ),
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Its CSV export."
            ),
            **error_responses(404),
        },
    )
    def get(self, request: Request, order_id: uuid.UUID) -> HttpResponse:
        order = order_for_proof(user=request.user, order_id=order_id)
        since, until = report_window(
            order=order,
            since=request.query_params.get("from"),
            until=request.query_params.get("to"),
        )
        export = request.query_params.get("export")
        if export not in {None, "csv"}:
            raise ApplicationError(
                "export is csv or absent.", code="invalid", detail={"export": ["csv"]}
            )
        report = report_document(order=order, since=since, until=until)
        bundle = bundle_sign(report)
        if export == "csv":
            response = HttpResponse(
                bundle_csv_zip(report, sha256=bundle.sha256), content_type="application/zip"
            )
            filename = f"report-{order.pk}.csv.zip"
        else:
            response = HttpResponse(bundle.content, content_type="application/json")
            filename = f"report-{order.pk}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Report-SHA256"] = bundle.sha256
        return response


class ProofInputSerializer(serializers.Serializer):
    public = serializers.BooleanField()


class OrderProofApi(APIView):
    """The owner makes the order's report and lifecycle public, or private again."""

    @extend_schema(
        request=ProofInputSerializer,
        responses={200: ProofAnswerSerializer, **error_responses(400, 404)},
    )
    def post(self, request: Request, order_id: uuid.UUID) -> Response:
        data = ProofInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_for_user(user=request.user, order_id=order_id)
        order = order_proof_visibility_set(
            order=order, public=data.validated_data["public"], actor=f"user:{request.user.pk}"
        )
        return Response({"id": str(order.pk), "proof_public": order.proof_public})


class ReportKeyApi(APIView):
    """The node's report public key, to verify its bundles' signatures with."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"algorithm": "ed25519", "public_key": report_public_key()})
