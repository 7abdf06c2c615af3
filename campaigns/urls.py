from django.urls import path

from campaigns import pages
from campaigns.api import (
    CampaignDetailApi,
    CampaignListApi,
    ManifestCheckApi,
    MyCampaignsApi,
    RewardManifestApi,
)

api_urlpatterns = [
    path("campaigns/", CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/mine/", MyCampaignsApi.as_view(), name="campaign-mine"),
    path("campaigns/manifest-check/", ManifestCheckApi.as_view(), name="campaign-manifest-check"),
    path(
        "campaigns/rewards/<str:sha256>/",
        RewardManifestApi.as_view(),
        name="campaign-reward-manifest",
    ),
    path("campaigns/<str:key>/", CampaignDetailApi.as_view(), name="campaign-detail"),
]

page_urlpatterns = [
    path("campaigns/", pages.campaign_list_page, name="campaign-list-page"),
    path("campaigns/mine/", pages.my_campaigns_page, name="campaign-mine-page"),
    path("campaigns/<str:key>/", pages.campaign_page, name="campaign-page"),
]
