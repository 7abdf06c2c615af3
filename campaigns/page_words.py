"""The campaign pages' words: campaign types, statuses, participation states and chains in
plain language, for the templates and the pages' script."""

from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CampaignParticipation

TYPE_WORDS = {
    Campaign.Type.MARKET_MAKING: _("Market making (volume share)"),
    Campaign.Type.COMPETITIVE_MARKET_MAKING: _("Market making (ranked)"),
    Campaign.Type.THRESHOLD_MARKET_MAKING: _("Market making (volume threshold)"),
    Campaign.Type.HOLDING: _("Holding (balance share)"),
    Campaign.Type.THRESHOLD: _("Holding (balance threshold)"),
}

STATUS_WORDS = {
    Campaign.Status.ACTIVE: _("running"),
    Campaign.Status.TO_CANCEL: _("being cancelled"),
    Campaign.Status.CANCELLED: _("cancelled"),
    Campaign.Status.COMPLETED: _("completed"),
}

PARTICIPATION_WORDS = {
    CampaignParticipation.State.PENDING: _("joining soon"),
    CampaignParticipation.State.JOINED: _("joined"),
    CampaignParticipation.State.RETRYING: _("joining failed, trying again"),
    CampaignParticipation.State.BLOCKED: _("waiting for the operator"),
    CampaignParticipation.State.CLOSED: _("HuFi did not take the join"),
    CampaignParticipation.State.SWITCHED_OFF: _("joining switched off"),
}

# The EVM chains HuFi campaigns are funded on (EIP-155 ids).
CHAIN_NAMES = {
    1: "Ethereum",
    56: "BNB Smart Chain",
    137: "Polygon",
    8453: "Base",
    42161: "Arbitrum One",
    11155111: "Sepolia",
    80002: "Polygon Amoy",
}


def chain_name(chain_id: int) -> str:
    return CHAIN_NAMES.get(chain_id, f"chain {chain_id}")


def campaign_page_words() -> dict:
    """For the pages' script: everything it shows that is not data."""
    return {
        "types": {str(k): str(v) for k, v in TYPE_WORDS.items()},
        "statuses": {str(k): str(v) for k, v in STATUS_WORDS.items()},
        "participation": {str(k): str(v) for k, v in PARTICIPATION_WORDS.items()},
        "chains": {str(k): v for k, v in CHAIN_NAMES.items()},
        "failed": str(_("The campaigns could not be read; try again later.")),
        "count_one": str(_("1 campaign")),
        "count_other": str(_("%(count)s campaigns")),
        "none": str(_("No campaign matches.")),
        "this_node": str(_("this node")),
        "join_label": str(_("Taking part through this node:")),
    }
