"""The words of the campaign create and funding pages: each form field's meaning and
unit per campaign type, and each launch state in plain words (translated)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaigns.launcher_rules import TYPES
from campaigns.models import LaunchState
from campaigns.texts import learn_more

S = LaunchState

TYPE_TITLES = {
    "MARKET_MAKING": _("Market making"),
    "COMPETITIVE_MARKET_MAKING": _("Competitive market making"),
    "THRESHOLD_MARKET_MAKING": _("Threshold market making"),
    "HOLDING": _("Holding"),
    "THRESHOLD": _("Threshold holding"),
}

# name -> (label, what it means, unit)
FIELD_WORDS = {
    "pair": (_("Pair"), _("The market participants trade, as BASE/QUOTE."), _("e.g. XIN/USDT")),
    "symbol": (_("Token"), _("The token participants hold on the exchange."), _("e.g. XIN")),
    "daily_volume_target": (
        _("Daily volume target"),
        _("The day's full pool is shared once all participants together trade this much."),
        _("quote asset per day, at least 1"),
    ),
    "minimum_volume_required": (
        _("Minimum volume"),
        _("A participant is ranked only after trading this much in a day."),
        _("quote asset, at least 1"),
    ),
    "minimum_volume_target": (
        _("Minimum volume"),
        _("A participant is eligible for the day after trading this much."),
        _("quote asset, at least 1"),
    ),
    "daily_balance_target": (
        _("Daily balance target"),
        _("The day's full pool is shared once all balances together reach this."),
        _("token, at least 0.001"),
    ),
    "minimum_balance_target": (
        _("Minimum balance"),
        _("A participant holding at least this is eligible for the day."),
        _("token, at least 0.001"),
    ),
    "max_participants": (
        _("Maximum participants"),
        _("How many participants the pool is split among at most."),
        _("a whole number, at least 1"),
    ),
    "rewards_distribution": (
        _("Shares by rank"),
        _("The percent of the day's pool for rank 1, 2, 3, … separated by commas."),
        _("percents, each at least 1, adding up to 100"),
    ),
}
OPTIONAL = {("THRESHOLD", "max_participants")}
CHAIN_NAMES = {1: _("Ethereum"), 137: _("Polygon")}

STATE_WORDS = {
    S.DRAFT: (_("Preparing"), _("The campaign's escrow is being created on HuFi's chain.")),
    S.AWAITING_FUNDING: (_("Waiting for the fund"), _("Send the fund to start the campaign.")),
    S.PAID: (_("Paid"), _("Your payment is booked; the node funds the escrow next.")),
    S.FUNDING: (_("Funding the escrow"), _("The node's transfer to the escrow is on its way.")),
    S.FUNDED: (_("Live"), _("The escrow holds the fund: the campaign is live on HuFi.")),
    S.FAILED: (_("Failed"), _("The escrow could not be funded; a Mixin payment is refunded.")),
    S.EXPIRED: (_("Expired"), _("No fund arrived in time; nothing was taken.")),
    S.CANCELLED: (_("Cancelled"), _("You cancelled this campaign before funding it.")),
}
SETTLED = [S.FUNDED, S.FAILED, S.EXPIRED, S.CANCELLED]


def type_forms() -> list[dict]:
    """Per type: its title, plain-words text, and its own fields with meaning and unit."""
    forms = []
    for campaign_type, (market_field, floors) in TYPES.items():
        names = [market_field, *floors]
        if campaign_type == "THRESHOLD_MARKET_MAKING" or campaign_type == "THRESHOLD":
            names.append("max_participants")
        if campaign_type == "COMPETITIVE_MARKET_MAKING":
            names.append("rewards_distribution")
        forms.append(
            {
                "type": campaign_type,
                "title": str(TYPE_TITLES[campaign_type]),
                "learn_more": learn_more(campaign_type),
                "fields": [
                    {
                        "name": name,
                        "label": str(FIELD_WORDS[name][0]),
                        "help": str(FIELD_WORDS[name][1]),
                        "unit": str(FIELD_WORDS[name][2]),
                        "required": (campaign_type, name) not in OPTIONAL,
                    }
                    for name in names
                ],
            }
        )
    return forms


def fund_tokens() -> list[dict]:
    """The tokens a campaign can be funded with here, and whether Mixin can pay them."""
    tokens = []
    for key, decimals in sorted(settings.HUFI_TOKEN_DECIMALS.items()):
        chain_id, symbol = int(key.split(":", 1)[0]), key.split(":", 1)[1]
        chain = CHAIN_NAMES.get(chain_id) or _("chain %(id)s") % {"id": chain_id}
        tokens.append(
            {
                "key": key,
                "chain_id": chain_id,
                "symbol": symbol,
                "label": f"{symbol} · {chain}",
                "decimals": decimals,
                "mixin": key in settings.HUFI_REWARD_ASSETS,
            }
        )
    return tokens


def type_title(campaign_type: str) -> str:
    return str(TYPE_TITLES.get(campaign_type, campaign_type))


def launch_state_words() -> dict[str, dict[str, str]]:
    return {
        str(state): {"label": str(label), "sentence": str(sentence)}
        for state, (label, sentence) in STATE_WORDS.items()
    }


def launch_page_words() -> dict:
    return {"states": launch_state_words(), "settled": [str(s) for s in SETTLED]}
