from django.urls import path

from exchanges.api import ExchangeAPIKeyApi, ExchangeListApi

urlpatterns = [
    path("exchanges/", ExchangeListApi.as_view(), name="exchange-list"),
    path(
        "exchanges/<int:exchange_id>/api-keys/",
        ExchangeAPIKeyApi.as_view(),
        name="exchange-api-key-create",
    ),
]
