from django.urls import path

from campaigns.api import CampaignDetailApi, CampaignListApi, ManifestCheckApi, RewardManifestApi

api_urlpatterns = [
    path("campaigns/", CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/manifest-check/", ManifestCheckApi.as_view(), name="campaign-manifest-check"),
    path(
        "campaigns/rewards/<str:sha256>/",
        RewardManifestApi.as_view(),
        name="campaign-reward-manifest",
    ),
    path("campaigns/<str:key>/", CampaignDetailApi.as_view(), name="campaign-detail"),
]
