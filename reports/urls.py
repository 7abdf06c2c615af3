from django.urls import path

from reports.api import StabilityApi

api_urlpatterns = [
    path("reports/stability/", StabilityApi.as_view(), name="reports-stability"),
]
