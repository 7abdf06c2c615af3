from django.urls import path

from campaigns.api import CampaignDetailApi, CampaignListApi

api_urlpatterns = [
    path("campaigns/", CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<str:key>/", CampaignDetailApi.as_view(), name="campaign-detail"),
]
