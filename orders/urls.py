from django.urls import path

from orders.api import (
    OrderActionApi,
    OrderDetailApi,
    OrderListCreateApi,
    PairListApi,
    PresetListApi,
    StrategyPreviewApi,
)
from orders.services.control import ACTIONS

urlpatterns = [
    path("market-making/presets/", PresetListApi.as_view(), name="strategy-preset-list"),
    path(
        "market-making/strategy-preview/",
        StrategyPreviewApi.as_view(),
        name="strategy-preview",
    ),
    path("market-making/pairs/", PairListApi.as_view(), name="market-making-pairs"),
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
