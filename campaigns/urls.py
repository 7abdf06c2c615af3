from django.urls import path

from campaigns.api import CampaignDetailApi, CampaignListApi, ManifestCheckApi

api_urlpatterns = [
    path("campaigns/", CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/manifest-check/", ManifestCheckApi.as_view(), name="campaign-manifest-check"),
    path("campaigns/<str:key>/", CampaignDetailApi.as_view(), name="campaign-detail"),
]
