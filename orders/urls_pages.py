from django.urls import path

from orders import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("orders/new/", pages.OrderCreatePage.as_view(), name="order-create"),
    path("orders/pairs/<int:pair_id>/market/", pages.pair_market, name="pair-market"),
    path("orders/<uuid:order_id>/", pages.order_page, name="order-page"),
    path("orders/<uuid:order_id>/pay/", pages.order_pay, name="order-pay"),
]
