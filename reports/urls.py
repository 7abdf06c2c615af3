from django.urls import path

from core import converters  # noqa: F401 - registers <id:...>
from reports import pages
from reports.api import (
    OrderLifecycleApi,
    OrderPnlApi,
    OrderProofApi,
    OrderReportApi,
    ReportKeyApi,
    UserPnlApi,
)
from reports.dashboard_api import DashboardApi
from reports.dashboard_page import dashboard
from reports.proof_api import PublicOrderProofApi
from reports.series_api import OrderSeriesApi
from reports.stability_api import StabilityApi

api_urlpatterns = [
    path("reports/stability/", StabilityApi.as_view(), name="reports-stability"),
    path("proof/orders/<uuid:order_id>/", PublicOrderProofApi.as_view(), name="proof-order-api"),
    path("reports/dashboard/", DashboardApi.as_view(), name="reports-dashboard"),
    path(
        "market-making/orders/<uuid:order_id>/lifecycle/",
        OrderLifecycleApi.as_view(),
        name="market-making-order-lifecycle",
    ),
    path(
        "market-making/orders/<uuid:order_id>/pnl/",
        OrderPnlApi.as_view(),
        name="market-making-order-pnl",
    ),
    path(
        "market-making/orders/<uuid:order_id>/series/",
        OrderSeriesApi.as_view(),
        name="market-making-order-series",
    ),
    path(
        "market-making/orders/<uuid:order_id>/report/",
        OrderReportApi.as_view(),
        name="market-making-order-report",
    ),
    path(
        "market-making/orders/<uuid:order_id>/proof/",
        OrderProofApi.as_view(),
        name="market-making-order-proof",
    ),
    path("market-making/pnl/", UserPnlApi.as_view(), name="market-making-pnl"),
    path("market-making/report-key/", ReportKeyApi.as_view(), name="report-key"),
]

# The public proof pages: anyone, no login (the node's own /proof/ is mrmarket's); the
# creator's dashboard: its owner.
page_urlpatterns = [
    path("proof/orders/<uuid:order_id>/", pages.order_proof_page, name="proof-order"),
    path("proof/pairs/<id:pair_id>/", pages.pair_depth_page, name="proof-pair"),
    path("dashboard/", dashboard, name="dashboard"),
]
