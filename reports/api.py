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

from core.api import ErrorSerializer, error_responses
from core.errors import ApplicationError
from orders.models import MarketMakingOrder
from orders.selectors import order_get_for_user, timeline_page_from
from reports.access import is_order_owner, order_for_proof
from reports.bundle.build import bundle_sign, report_document
from reports.bundle.csv_export import bundle_csv_zip
from reports.bundle.window import moment_read, report_window
from reports.facts import time_text
from reports.keys import report_public_key
from reports.lifecycle import order_lifecycle
from reports.proof_api import PROOF_PENDING, RETRY_AFTER, proof_pending_response
from reports.public_proof import ProofPendingError, published_proof_get
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


def _report_response(content: bytes, *, order_id: object, sha256: str, csv: bool) -> HttpResponse:
    if csv:
        response = HttpResponse(content, content_type="application/zip")
        filename = f"report-{order_id}.csv.zip"
    else:
        response = HttpResponse(content, content_type="application/json")
        filename = f"report-{order_id}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Report-SHA256"] = sha256
    return response


def _published_report(
    request: Request, order: MarketMakingOrder, export: str | None
) -> HttpResponse:
    """A visitor's download of a public order's report: the stored bundle of the published
    window, byte for byte (reports/public_proof.py); no request of theirs builds one."""
    if export == "csv":
        # Zipping a busy order's facts costs seconds of CPU: only its owner asks for it.
        raise ApplicationError(
            "The CSV export is for the order's owner; anyone may download the signed report "
            "(JSON) of the published window, which holds the same facts.",
            code="proof_csv_owner_only",
            status_code=403,
        )
    try:
        proof = published_proof_get(order=order, content=True)
    except ProofPendingError as error:
        return proof_pending_response(error)
    published = {"from": proof.since, "to": proof.until}
    for name, moment in published.items():
        asked = moment_read(request.query_params.get(name), name=name)
        if asked is not None and asked != moment:
            raise ApplicationError(
                "Anyone but the order's owner may download only the published window of "
                "its proof (from and to as the proof shows them, or neither).",
                code="proof_window_only",
                status_code=403,
                detail={key: time_text(value) for key, value in published.items()},
            )
    return _report_response(bytes(proof.content), order_id=order.pk, sha256=proof.sha256, csv=False)


class OrderReportApi(APIView):
    """The signed bundle (`application/json`), or with `export=csv` its CSV zip. (`format`
    is DRF's content-negotiation parameter, hence another name.) The owner asks for any
    window, built on request; anyone else, for a public order, gets the stored bundle of the
    published window only (the proof page's): another window or `export=csv` is a 403
    (`proof_window_only`, `proof_csv_owner_only`), and 503 `proof_pending` before its first
    build."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO 8601; default: the order's creation"),
            OpenApiParameter("to", str, description="ISO 8601; default: now"),
            OpenApiParameter("export", str, enum=["csv"], description="the CSV zip instead"),
            RETRY_AFTER,
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The signed bundle."
            ),
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Its CSV export."
            ),
            **error_responses(404),
            403: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Not the owner: `proof_window_only` (a window other than the published "
                    "one; `detail` gives it) or `proof_csv_owner_only`."
                ),
            ),
            503: PROOF_PENDING,
        },
    )
    def get(self, request: Request, order_id: uuid.UUID) -> HttpResponse:
        order = order_for_proof(user=request.user, order_id=order_id)
        export = request.query_params.get("export")
        if export not in {None, "csv"}:
            raise ApplicationError(
                "export is csv or absent.", code="invalid", detail={"export": ["csv"]}
            )
        if not is_order_owner(user=request.user, order=order):
            return _published_report(request, order, export)
        since, until = report_window(
            order=order,
            since=request.query_params.get("from"),
            until=request.query_params.get("to"),
        )
        report = report_document(order=order, since=since, until=until)
        bundle = bundle_sign(report)
        if export == "csv":
            content = bundle_csv_zip(report, sha256=bundle.sha256)
        else:
            content = bundle.content
        return _report_response(
            content, order_id=order.pk, sha256=bundle.sha256, csv=export == "csv"
        )


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
