from django.urls import path

from core import converters  # noqa: F401 - registers <id:...>
from exchanges.api import ExchangeAPIKeyApi, ExchangeListApi

urlpatterns = [
    path("exchanges/", ExchangeListApi.as_view(), name="exchange-list"),
    path(
        "exchanges/<id:exchange_id>/api-keys/",
        ExchangeAPIKeyApi.as_view(),
        name="exchange-api-key-create",
    ),
]
