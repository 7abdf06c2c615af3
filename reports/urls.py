from django.urls import path

from reports.api import (
    OrderLifecycleApi,
    OrderPnlApi,
    OrderProofApi,
    OrderReportApi,
    ReportKeyApi,
    UserPnlApi,
)
from reports.series_api import OrderSeriesApi
from reports.stability_api import StabilityApi

api_urlpatterns = [
    path("reports/stability/", StabilityApi.as_view(), name="reports-stability"),
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
