"""The words the pages use for what the code names: an order's states, the steps ahead of a
paid order and how long each usually takes, which controls can act in a state, who did
something, the chains' badges, and the create form's fields with their units.

Everything here is translated (locale/); the pages never show a raw state name.
"""

import uuid
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models import MarketMakingOrder, StrategyPreset
from orders.services.control import ACTIONS
from orders.states import OrderState
from strategy import parameter_bounds

S = OrderState

# (short label, sentence) per state: the label on the badge, the sentence under it.
STATE_WORDS = {
    S.PAYMENT_PENDING: (_("Waiting for payment"), _("Waiting for your payment.")),
    S.PAYMENT_INCOMPLETE: (
        _("Partly paid"),
        _("Part of the invoice is paid; waiting for the rest."),
    ),
    S.PAYMENT_COMPLETE: (
        _("Paid"),
        _("Payment received; the funds are about to leave for the exchange."),
    ),
    S.WITHDRAWING: (_("Sending to the exchange"), _("The funds are on their way to the exchange.")),
    S.WITHDRAWAL_CONFIRMED: (
        _("Sent to the exchange"),
        _("The funds left the wallet; waiting for the exchange to see the deposit."),
    ),
    S.DEPOSIT_CONFIRMING: (
        _("Arriving at the exchange"),
        _("The exchange sees the deposit and is confirming it."),
    ),
    S.DEPOSIT_CONFIRMED: (_("Ready to quote"), _("The deposit is credited; quoting starts now.")),
    S.RUNNING: (_("Quoting"), _("The order is quoting on the exchange.")),
    S.PAUSED: (
        _("Paused"),
        _("Quoting is paused; the funds and any open quotes stay on the exchange."),
    ),
    S.STOPPED: (
        _("Stopped"),
        _("Quoting stopped and the open quotes were cancelled; the funds stay on the exchange."),
    ),
    S.EXIT_REQUESTED: (_("Exit asked"), _("Exit asked; the open quotes are being cancelled.")),
    S.EXIT_CANCELLING: (_("Cancelling quotes"), _("The open quotes are being cancelled.")),
    S.EXIT_WITHDRAWING: (
        _("Leaving the exchange"),
        _("The funds are being withdrawn from the exchange."),
    ),
    S.EXIT_CONFIRMING: (
        _("Coming back"),
        _("The funds are on their way back to the wallet, then to you."),
    ),
    S.EXITED: (_("Finished"), _("The order is finished and its funds were paid back to you.")),
    S.EXPIRED: (
        _("Expired"),
        _("The invoice expired before it was fully paid; what was paid is refunded."),
    ),
    S.FAILED: (
        _("Needs attention"),
        _("The order stopped on an error; the page says where the funds are."),
    ),
    S.REFUNDED: (_("Refunded"), _("What was paid has been refunded to you.")),
}

# The way from a paid invoice to quoting, with the time each step usually takes.
FUNDING_STEPS = [
    (S.PAYMENT_COMPLETE, _("Book the payment"), _("a few seconds")),
    (S.WITHDRAWING, _("Send the funds from the wallet to the exchange"), _("about a minute")),
    (
        S.DEPOSIT_CONFIRMING,
        _("The exchange confirms the deposit"),
        _("minutes, up to an hour on a slow chain"),
    ),
    (S.RUNNING, _("Start quoting"), _("a few seconds")),
]
FUNDING_ORDER = [
    S.PAYMENT_PENDING,
    S.PAYMENT_INCOMPLETE,
    S.PAYMENT_COMPLETE,
    S.WITHDRAWING,
    S.WITHDRAWAL_CONFIRMED,
    S.DEPOSIT_CONFIRMING,
    S.DEPOSIT_CONFIRMED,
    S.RUNNING,
]

# Which control can act in which state (the state machine's edges in orders/models.py).
CONTROL_SOURCES = {
    "pause": {S.RUNNING},
    "resume": {S.PAUSED, S.STOPPED},
    "stop": {S.RUNNING, S.PAUSED},
    "exit": {S.RUNNING, S.PAUSED, S.STOPPED},
}
CONTROL_LABELS = {
    "pause": (_("Pause"), _("Stop placing new quotes; the open ones stay.")),
    "resume": (_("Resume"), _("Quote again with the same rules.")),
    "stop": (_("Stop"), _("Cancel the open quotes; the funds stay on the exchange.")),
    "exit": (_("Exit"), _("Cancel everything, bring the funds back and pay them to you.")),
}

# Mixin chain ids of the chains whose assets are traded here, with a short label for the
# badge (static/chains/<file>.svg) and the chain's name.
CHAINS = {
    uuid.UUID("c6d0c728-2624-429b-8e0d-d9d19b6592fa"): ("bitcoin", _("Bitcoin")),
    uuid.UUID("43d61dcd-e413-450d-80b8-101d5e903357"): ("ethereum", _("Ethereum")),
    uuid.UUID("25dabac5-056a-48ff-b9f9-f67395dc407c"): ("tron", _("Tron")),
    uuid.UUID("64692c23-8971-4cf4-84a7-4dd1271dd887"): ("solana", _("Solana")),
    uuid.UUID("1949e683-6a08-49e2-b087-d6b72398588f"): ("bsc", _("BNB Smart Chain")),
    uuid.UUID("b7938396-3f94-4e0a-9179-d3440718156f"): ("polygon", _("Polygon")),
}


def state_words(state: str) -> dict:
    label, sentence = STATE_WORDS[OrderState(state)]
    return {"code": state, "label": label, "sentence": sentence}


def all_state_words() -> dict[str, dict[str, str]]:
    """For the pages' script, which follows the state live."""
    return {
        str(state): {"label": str(label), "sentence": str(sentence)}
        for state, (label, sentence) in STATE_WORDS.items()
    }


def pay_steps(state: str) -> list[dict]:
    """The funding steps with whether each is done, for the pay page."""
    position = FUNDING_ORDER.index(state) if state in FUNDING_ORDER else None
    steps = []
    for step_state, label, usual in FUNDING_STEPS:
        done = state in AFTER_FUNDING or (
            position is not None and position >= FUNDING_ORDER.index(step_state)
        )
        steps.append({"state": str(step_state), "label": label, "usual": usual, "done": done})
    return steps


@dataclass(frozen=True)
class Control:
    name: str
    label: str
    help: str
    url: str
    enabled: bool


def order_controls(order: MarketMakingOrder) -> list[Control]:
    return [
        Control(
            name=action,
            label=CONTROL_LABELS[action][0],
            help=CONTROL_LABELS[action][1],
            url=reverse(f"market-making-order-{action}", args=[order.pk]),
            enabled=order.state in CONTROL_SOURCES[action],
        )
        for action in ACTIONS
    ]


def control_sources() -> dict[str, list[str]]:
    return {action: sorted(str(s) for s in states) for action, states in CONTROL_SOURCES.items()}


def chain_badge(chain_id: uuid.UUID) -> dict:
    icon, name = CHAINS.get(chain_id, ("unknown", _("Other chain")))
    return {"icon": f"chains/{icon}.svg", "name": str(name)}


# Parameters that are fractions of the price: the form shows and takes them as percentages.
PERCENT_PARAMETERS = frozenset(
    {
        "bid_spread",
        "ask_spread",
        "order_level_spread",
        "order_refresh_tolerance_pct",
        "minimum_spread",
        "moving_price_band_ceiling_pct",
        "moving_price_band_floor_pct",
        "inventory_target_base_pct",
        "hanging_orders_cancel_pct",
    }
)
SECONDS_PARAMETERS = frozenset(
    {
        "order_refresh_time",
        "max_order_age",
        "filled_order_delay",
        "moving_price_band_refresh_time",
    }
)
BASE_PARAMETERS = frozenset({"order_amount", "order_level_amount"})
QUOTE_PARAMETERS = frozenset({"price_ceiling", "price_floor"})
FORM_TYPES = ("decimal", "integer", "boolean", "choice")


def _unit(name: str) -> str:
    if name in PERCENT_PARAMETERS:
        return "%"
    if name in SECONDS_PARAMETERS:
        return str(pgettext_lazy("unit", "seconds"))
    if name in BASE_PARAMETERS:
        return "base"
    if name in QUOTE_PARAMETERS:
        return "quote"
    return ""


def create_form_fields(preset: StrategyPreset) -> dict[str, list[dict]]:
    """The preset's fields: first what the user must set and what the preset itself sets,
    with the value it starts from; the rest under "advanced" with the strategy's defaults."""
    first_names = list(preset.required_overrides) + [
        n for n in preset.params if n not in preset.required_overrides
    ]
    bounds = {b["name"]: b for b in parameter_bounds() if b["type"] in FORM_TYPES}
    fields: dict[str, list[dict]] = {"first": [], "advanced": []}
    for name in first_names + [n for n in bounds if n not in first_names]:
        bound = bounds.get(name)
        if bound is None:
            continue
        value = preset.params.get(name, bound["default"])
        fields["first" if name in first_names else "advanced"].append(
            {
                "name": name,
                "type": bound["type"],
                "required": name in preset.required_overrides,
                "default": value,
                "unit": _unit(name),
                "percent": name in PERCENT_PARAMETERS,
                "label": str(FIELD_LABELS.get(name, name)),
                "choices": [
                    {"value": c, "label": str(CHOICE_LABELS.get(c, c))}
                    for c in bound.get("choices", [])
                ],
            }
        )
    return fields


# What the form calls each field (the API's names stay as they are).
FIELD_LABELS = {
    "pair": _("Pair"),
    "pair_id": _("Pair"),
    "preset": _("Preset"),
    "base_amount": _("Base amount"),
    "quote_amount": _("Quote amount"),
    "bid_spread": _("Buy distance from the price"),
    "ask_spread": _("Sell distance from the price"),
    "order_amount": _("Size of each quote"),
    "order_levels": _("Quotes per side"),
    "order_level_spread": _("Extra distance per further quote"),
    "order_level_amount": _("Extra size per further quote"),
    "order_refresh_time": _("Time between refreshes"),
    "order_refresh_tolerance_pct": _("Keep quotes that moved less than"),
    "max_order_age": _("Replace quotes older than"),
    "filled_order_delay": _("Wait after a fill"),
    "minimum_spread": _("Cancel quotes closer to the price than"),
    "price_ceiling": _("No buys at or above"),
    "price_floor": _("No sells at or below"),
    "moving_price_band_enabled": _("Use a moving price band"),
    "moving_price_band_ceiling_pct": _("Band ceiling above the anchor"),
    "moving_price_band_floor_pct": _("Band floor below the anchor"),
    "moving_price_band_refresh_time": _("Time between band re-anchors"),
    "ping_pong_enabled": _("Alternate sides after fills"),
    "inventory_skew_enabled": _("Lean sizes toward the target holdings"),
    "inventory_target_base_pct": _("Target share held in base"),
    "inventory_range_multiplier": _("Width of the skew range"),
    "hanging_orders_enabled": _("Keep the other side open after a fill"),
    "hanging_orders_cancel_pct": _("Cancel a kept quote this far from the price"),
    "price_type": _("Price the quotes are measured from"),
    "take_if_crossed": _("Allow quotes that trade at once"),
    "adaptive_spreads_enabled": _("Adapt distances to volatility"),
    "risk_factor": _("Inventory risk aversion"),
    "order_book_depth_factor": _("Book liquidity factor"),
    "volatility_window": _("Samples in the volatility estimate"),
    "order_amount_shape_factor": _("Shrink the side that moves holdings off target"),
}

CHOICE_LABELS = {
    "mid_price": _("mid price"),
    "microprice": _("microprice"),
    "best_bid": _("best bid"),
    "best_ask": _("best ask"),
    "last_price": _("last trade price"),
    "last_own_trade_price": _("our last trade price"),
}


def field_labels() -> dict[str, str]:
    return {name: str(label) for name, label in FIELD_LABELS.items()}


PURPOSE_WORDS = {
    "base": _("Base funds for the exchange"),
    "quote": _("Quote funds for the exchange"),
    "base_withdrawal_fee": _("Network fee to send the base to the exchange"),
    "quote_withdrawal_fee": _("Network fee to send the quote to the exchange"),
    "market_making_fee": _("Market-making fee"),
}
ENTRY_WORDS = {
    "paid": _("paid"),
    "partly": _("partly paid"),
    "waiting": _("waiting"),
    "unpaid": _("not paid"),
}
# States where the way to the exchange is behind the order (all funding steps are done).
AFTER_FUNDING = frozenset(
    {S.PAUSED, S.STOPPED, S.EXITED} | {s for s in S if str(s).startswith("exit_")}
)
# States the pay page stops following in: quoting, or nothing more will happen to the payment.
PAY_SETTLED = frozenset({S.RUNNING, S.PAUSED, S.STOPPED, S.FAILED, S.EXPIRED, S.REFUNDED, S.EXITED})


def pay_page_words() -> dict:
    return {
        "states": all_state_words(),
        "entry": {key: str(word) for key, word in ENTRY_WORDS.items()},
        "funding_order": [str(s) for s in FUNDING_ORDER],
        "after_funding": sorted(str(s) for s in AFTER_FUNDING),
        "settled": sorted(str(s) for s in PAY_SETTLED),
    }


def entry_status(entry, *, awaiting: bool) -> str:
    if entry.amount_paid >= entry.amount_due:
        return str(ENTRY_WORDS["paid"])
    if entry.amount_paid > 0:
        return str(ENTRY_WORDS["partly"])
    return str(ENTRY_WORDS["waiting" if awaiting else "unpaid"])


EVENT_WORDS = {
    "created": _("Order created"),
    "executor_registered": _("Handed to the quoting engine"),
    "quotes_cancelled": _("Open quotes cancelled"),
    "withdrawal_queued": _("Withdrawal queued"),
    "withdrawals_disabled": _("Withdrawals are switched off for now"),
    "exit_left_on_exchange": _("Some funds stayed on the exchange"),
    "global_kill_switch_engaged": _("All quoting stopped by an operator"),
    "global_kill_switch_released": _("Quoting allowed again by an operator"),
    "kill_switch_reset": _("Safety stop reset"),
    "recovery_approved": _("Refund approved by an operator"),
    "attention": _("Needs an operator's look"),
}


def order_page_words() -> dict:
    return {
        "states": all_state_words(),
        "finished": sorted(str(s) for s in (S.EXITED, S.REFUNDED)),
        "control_sources": control_sources(),
        "controls": {
            "sending": str(_("Sending…")),
            "done": {
                "pause": str(_("Paused. The order is now: %(state)s.")),
                "resume": str(_("Resumed. The order is now: %(state)s.")),
                "stop": str(_("Stopped. The order is now: %(state)s.")),
                "exit": str(_("Exit started. The order is now: %(state)s.")),
            },
            "refused": str(_("Not possible now: the order is %(state)s.")),
            "failed": str(_("The request did not reach the server; try again.")),
        },
        "actors": {
            "user": str(_("you")),
            "system": str(_("the service")),
            "operator": str(_("an operator")),
        },
        "events": {kind: str(word) for kind, word in EVENT_WORDS.items()},
        "sides": {"buy": str(_("buy")), "sell": str(_("sell"))},
        "payout_status": {
            "pending": str(_("being sent")),
            "sent": str(_("sent")),
            "failed": str(_("refused by Mixin")),
        },
        "until": str(_("last at")),
        "chart": {
            "bid": str(_("our best buy")),
            "ask": str(_("our best sell")),
            "mid": str(_("market midpoint")),
            "buy_fill": str(_("buy fill")),
            "sell_fill": str(_("sell fill")),
            "spread": str(_("our spread (bps)")),
            "market_spread": str(_("market spread (bps)")),
            "depth_bid": str(_("our buy depth")),
            "depth_ask": str(_("our sell depth")),
            "equity": str(_("equity at mid")),
            "points": str(_("%(points)s points, one per %(seconds)s s.")),
        },
        "pnl": {
            "fills_split": str(_("%(buy)s buys, %(sell)s sells; %(maker)s maker, %(taker)s taker")),
        },
        "fills_page": str(_("Page %(page)s, newest first")),
        "proof": {
            "public": str(_("Public: anyone with the link can read this order's report.")),
            "private": str(_("Private: only you can read this order's report.")),
        },
    }
