"""The seeded presets' titles and rationales, marked for translation: the pages show a
preset's text through gettext, and this is where makemessages finds them.
tests/orders/test_preset_texts.py checks each seeded preset's text is here word for word."""

from django.utils.translation import gettext_noop

PRESET_TEXTS = [
    gettext_noop("Stable depth"),
    gettext_noop(
        "For a pair that needs a steady book around the current price. Five levels per side, "
        "the first 0.3% from the mid price and each further one 0.2% deeper, put ten quotes "
        "within about 1.1% of the price. A refresh tolerance of 0.2% keeps the quotes in "
        "place while the price moves less than that, so fewer cancels are sent and the quotes"
        " keep their place in the queue; a quote that drifts within 0.1% of the price is "
        "cancelled. Inventory skew sizes the two sides so that the holdings lean back toward "
        "half base, half quote. You set the size of each quote. What to watch on the order's "
        "report: depth within 2% of the mid price, quote uptime and how often quotes were "
        "replaced."
    ),
    gettext_noop("High volatility"),
    gettext_noop(
        "For a pair whose price moves fast. Spreads are adaptive (Avellaneda-Stoikov): they "
        "widen as the measured tick-to-tick volatility rises, and the quotes shift away from "
        "the side that would push the holdings further from half base, half quote. They never"
        " come closer than 1% to the price. Two levels per side commit less of the funds near"
        " a moving price than a deep ladder would. After a fill the order waits five minutes "
        "before quoting again, so one fast move does not fill quote after quote in the same "
        "direction. You set the size of each quote. What to watch on the order's report: the "
        "quoted spread against the market's own spread, fills per side and the inventory "
        "share over time."
    ),
    gettext_noop("Market-cap defense"),
    gettext_noop(
        "For a project that wants buy-side depth under its token. Bids sit 0.3% below the mid"
        " price and asks 1% above it, so the bid side is the one closer to the price. The "
        "inventory target is 30% base: while the holdings contain less base than that, "
        "inventory skew makes the bids larger than the asks, and 70% of the value stays in "
        "quote for bids further down. At or below the price floor you set, the order places "
        "no sells. This preset does not hold any price: it only decides where this order's "
        "own quotes sit, and the market decides the price. You set the quote size and the "
        "floor. What to watch on the order's report: bid depth within 2% of the mid price, "
        "time spent at or below the floor and the quote balance left."
    ),
    gettext_noop("Low maintenance"),
    gettext_noop(
        "For an order that should run with as few actions as possible. Quotes sit 2% and 3% "
        "from the price on each side and are reconsidered every five minutes; they stay in "
        "place unless the new prices differ by more than 1%, and are renewed at the latest "
        "after two hours. When one side of a pair fills, the other side stays open (a hanging"
        " order) until the price is 5% away from it. Wide spreads mean fewer fills and a "
        "thinner book near the price than the other presets. You set the size of each quote. "
        "What to watch on the order's report: quote uptime, the number of orders placed and "
        "cancelled, and fills per day."
    ),
]
