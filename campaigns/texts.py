"""What each campaign type asks of a participant, in plain words ("learn more").

These say how HuFi measures and pays; they promise nothing: a reward depends on what the
other participants do, on the campaign's fund and on HuFi paying it. Marked for the
catalogs (gettext_noop); the pages translate them when they show them."""

from django.utils.translation import gettext_noop

LEARN_MORE = {
    "MARKET_MAKING": gettext_noop(
        "Each day of the campaign, HuFi adds up the trading volume of every participant on "
        "this pair. Orders that rest on the book and get filled (maker) count in full; "
        "orders that take liquidity count less (a buy 0.42, a sell 0.1). The day's reward "
        "pool is shared in proportion to these scores, and the pool is smaller when all "
        "participants together traded less than the daily volume target."
    ),
    "COMPETITIVE_MARKET_MAKING": gettext_noop(
        "Participants are ranked each day by their weighted volume on this pair. Only those "
        "who reached the minimum volume are ranked; rank 1 gets the first share of the "
        "day's pool, rank 2 the second, and so on. Participants with the same score split "
        "the shares of the places they occupy."
    ),
    "THRESHOLD_MARKET_MAKING": gettext_noop(
        "Each day, every participant whose volume on this pair reached the minimum target "
        "counts as eligible. The pool is split equally among the eligible participants, up "
        "to the campaign's maximum number of participants."
    ),
    "HOLDING": gettext_noop(
        "Each day, HuFi reads how much of the token each participant holds on the exchange. "
        "The day's pool is shared in proportion to those balances, and it is smaller when "
        "all balances together are below the daily balance target."
    ),
    "THRESHOLD": gettext_noop(
        "Each day, every participant holding at least the minimum balance of the token on "
        "the exchange counts as eligible, and the pool is split equally among them."
    ),
}

# The node's own part, the same for every type.
HOW_THE_NODE_TAKES_PART = gettext_noop(
    "Mr.Market joins a campaign for an exchange account when one of its orders runs on the "
    "campaign's exchange and pair, and hands HuFi a read-only key of that account. A reward "
    "HuFi pays for a day is divided among the orders that traded on the account that day, "
    "by the same weights, and each share is sent to the order's owner."
)


def learn_more(campaign_type: str) -> str:
    return LEARN_MORE.get(campaign_type, "HuFi has not described this campaign type.")
