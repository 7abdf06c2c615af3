from django.urls import path

from orders.api import PresetListApi, StrategyPreviewApi

urlpatterns = [
    path("market-making/presets/", PresetListApi.as_view(), name="strategy-preset-list"),
    path(
        "market-making/strategy-preview/",
        StrategyPreviewApi.as_view(),
        name="strategy-preview",
    ),
]
