from django.urls import path

from campaigns import launch_pages, pages
from campaigns.api import (
    CampaignDetailApi,
    ManifestCheckApi,
    MyCampaignsApi,
    RewardManifestApi,
)
from campaigns.launch_api import (
    CampaignListCreateApi,
    LaunchCancelApi,
    LaunchDetailApi,
    LaunchListApi,
)

api_urlpatterns = [
    path("campaigns/", CampaignListCreateApi.as_view(), name="campaign-list"),
    path("campaigns/mine/", MyCampaignsApi.as_view(), name="campaign-mine"),
    path("campaigns/manifest-check/", ManifestCheckApi.as_view(), name="campaign-manifest-check"),
    path("campaigns/launches/", LaunchListApi.as_view(), name="campaign-launches"),
    path(
        "campaigns/launches/<uuid:launch_id>/",
        LaunchDetailApi.as_view(),
        name="campaign-launch",
    ),
    path(
        "campaigns/launches/<uuid:launch_id>/cancel/",
        LaunchCancelApi.as_view(),
        name="campaign-launch-cancel",
    ),
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
    # Before the campaign page's catch-all key.
    path("campaigns/new/", launch_pages.launch_create_page, name="campaign-create"),
    path(
        "campaigns/launches/<uuid:launch_id>/",
        launch_pages.launch_fund_page,
        name="campaign-launch-page",
    ),
    path("campaigns/<str:key>/", pages.campaign_page, name="campaign-page"),
]
