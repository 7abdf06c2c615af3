from django.urls import path

from core import converters  # noqa: F401 - registers <id:...>
from orders import pages
from orders.api import (
    OrderActionApi,
    OrderDetailApi,
    OrderListCreateApi,
    PairListApi,
    PresetListApi,
    StrategyPreviewApi,
)
from orders.api_pages import InvoiceQuoteApi, OrderActivityApi, OrderResultApi, PairMarketApi
from orders.services.control import ACTIONS

api_urlpatterns = [
    path("market-making/presets/", PresetListApi.as_view(), name="strategy-preset-list"),
    path(
        "market-making/strategy-preview/",
        StrategyPreviewApi.as_view(),
        name="strategy-preview",
    ),
    path("market-making/pairs/", PairListApi.as_view(), name="market-making-pairs"),
    path(
        "market-making/pairs/<id:pair_id>/market/",
        PairMarketApi.as_view(),
        name="market-making-pair-market",
    ),
    path(
        "market-making/orders/<uuid:order_id>/activity/",
        OrderActivityApi.as_view(),
        name="market-making-order-activity",
    ),
    path(
        "market-making/orders/<uuid:order_id>/result/",
        OrderResultApi.as_view(),
        name="market-making-order-result",
    ),
    path(
        "market-making/invoice-quote/",
        InvoiceQuoteApi.as_view(),
        name="market-making-invoice-quote",
    ),
    path("market-making/orders/", OrderListCreateApi.as_view(), name="market-making-orders"),
    path(
        "market-making/orders/<uuid:order_id>/",
        OrderDetailApi.as_view(),
        name="market-making-order",
    ),
    *[
        path(
            f"market-making/orders/<uuid:order_id>/{action}/",
            OrderActionApi.as_view(action_name=action),
            name=f"market-making-order-{action}",
        )
        for action in ACTIONS
    ],
]

page_urlpatterns = [
    path("", pages.home, name="home"),
    path("orders/new/", pages.order_create, name="order-create"),
    path("orders/<uuid:order_id>/", pages.order_page, name="order-page"),
    path("orders/<uuid:order_id>/pay/", pages.order_pay, name="order-pay"),
]
