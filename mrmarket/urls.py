from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from campaigns.urls import api_urlpatterns as campaigns_api_urls
from campaigns.urls import page_urlpatterns as campaigns_page_urls
from mrmarket.console import console_urls
from mrmarket.views import healthz
from orders.urls import api_urlpatterns as orders_api_urls
from orders.urls import page_urlpatterns as orders_page_urls
from reports.urls import api_urlpatterns as reports_api_urls
from wallet.urls import api_urlpatterns as wallet_api_urls
from wallet.urls import page_urlpatterns as wallet_page_urls

handler404 = "core.api.not_found"

urlpatterns = [
    *console_urls(),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include("exchanges.urls")),
    path("api/v1/", include(orders_api_urls)),
    path("api/v1/", include(reports_api_urls)),
    path("api/v1/", include(wallet_api_urls)),
    path("api/v1/", include(campaigns_api_urls)),
    path("api/v1/", include(reports_api_urls)),
    path("auth/mixin/", include(wallet_page_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("logout/", LogoutView.as_view(next_page="/"), name="logout"),
    path("", include(orders_page_urls)),
    path("", include(campaigns_page_urls)),
]
