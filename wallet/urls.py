from django.urls import path

from wallet.views import MixinLoginApi, MixinProfileApi, mixin_login_callback, mixin_login_start

page_urlpatterns = [
    path("login/", mixin_login_start, name="mixin-login"),
    path("callback/", mixin_login_callback, name="mixin-login-callback"),
]

api_urlpatterns = [
    path("auth/mixin/", MixinLoginApi.as_view(), name="mixin-login-api"),
    path("wallet/me/", MixinProfileApi.as_view(), name="mixin-profile"),
]
