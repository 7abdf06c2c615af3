"""Is this node set up to take orders? The steps an operator goes through, each read live
from what is stored (and, for Mixin, one bounded call), each with where it is done.

Order creation refuses with a 503 naming the required steps still open
(`node_setup_refusal`); the admin's setup guide (mrmarket/console.py) shows them all, with
the ones only the whole process can tell (workers, beat, HuFi) added there.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from exchanges.models import Exchange, ExchangeAPIKey, NetworkMapping, TradingPair
from orders.models import FundsLoopConfig

# A reachable bot is remembered this long, an unreachable one shorter: order creation asks
# at most this often, and a fixed outage shows within seconds.
MIXIN_REACHABLE_CACHE_SECONDS = 30
MIXIN_UNREACHABLE_CACHE_SECONDS = 5


@dataclass(frozen=True)
class SetupStep:
    name: str
    title: str
    done: bool
    detail: str
    link: str  # the admin page where the step is done; empty when it is the environment
    required: bool = True
    figures: dict[str, object] = field(default_factory=dict)


class NodeNotSetUpError(ApplicationError):
    code = "node_not_set_up"
    status_code = 503


def _admin(name: str) -> str:
    return reverse(f"admin:{name}")


def mixin_bot_reachable(*, cached: bool = True) -> tuple[bool, str]:
    """The bot's own profile (GET /me) answered within the health timeout; remembered for
    order creation, asked afresh by the status page (cached=False)."""
    from wallet.client.http_client import MixinClient

    keystore = settings.MIXIN_KEYSTORE
    if keystore is None:
        return False, "no keystore: set MIXIN_KEYSTORE or MIXIN_KEYSTORE_FILE"
    key = f"setup:mixin-reachable:{settings.MIXIN_API_BASE}:{keystore.app_id}"
    remembered = cache.get(key) if cached else None
    if remembered is not None:
        return remembered
    try:
        with MixinClient(
            base_url=settings.MIXIN_API_BASE,
            keystore=keystore,
            timeout_seconds=float(settings.HEALTH_CHECK_TIMEOUT_SECONDS),
        ) as client:
            client.me()
    except Exception as exc:  # any failure means the bot cannot be reached as configured
        answer = (False, f"{settings.MIXIN_API_BASE} did not answer: {exc.__class__.__name__}")
        cache.set(key, answer, MIXIN_UNREACHABLE_CACHE_SECONDS)
        return answer
    answer = (True, f"bot {keystore.app_id} answers at {settings.MIXIN_API_BASE}")
    cache.set(key, answer, MIXIN_REACHABLE_CACHE_SECONDS)
    return answer


def _mixin_step() -> SetupStep:
    reachable, detail = mixin_bot_reachable()
    return SetupStep(
        "mixin",
        _("Mixin keystore loaded and the bot reachable"),
        reachable,
        detail + " (MIXIN_KEYSTORE, MIXIN_API_BASE: docs/deploy.md)",
        "",
    )


def _enabled_pairs() -> list[TradingPair]:
    return list(
        TradingPair.objects.filter(
            enabled=True, exchange__enabled=True, kind=TradingPair.Kind.MARKET_MAKING
        ).select_related("exchange")
    )


def _exchange_step() -> SetupStep:
    count = Exchange.objects.filter(enabled=True).count()
    return SetupStep(
        "exchange",
        _("An exchange added"),
        count > 0,
        f"{count} enabled exchange(s)" if count else "no enabled exchange",
        _admin("exchanges_exchange_add"),
    )


def _api_key_step() -> SetupStep:
    keys = ExchangeAPIKey.objects.filter(enabled=True, exchange__enabled=True).select_related(
        "exchange"
    )
    shortfall_by_key = {str(key): key.loop_permissions().shortfall for key in keys}
    usable = [name for name, shortfall in shortfall_by_key.items() if not shortfall]
    if usable:
        detail = f"usable for market making: {', '.join(usable)}"
    elif shortfall_by_key:
        detail = "; ".join(f"{name} {shortfall}" for name, shortfall in shortfall_by_key.items())
    else:
        detail = "no enabled API key"
    return SetupStep(
        "api_key",
        _(
            "An API key validated with read, trade and withdraw permission and a readable "
            "deposit address"
        ),
        bool(usable),
        detail,
        _admin("exchanges_exchangeapikey_changelist"),
        figures={"keys": {str(key): key.loop_permissions().as_states() for key in keys}},
    )


def _network_step(pairs: list[TradingPair]) -> SetupStep:
    mapped = set(NetworkMapping.objects.values_list("exchange_id", "chain_id"))
    unmapped = sorted(
        {
            f"{pair.exchange.name}: chain {chain} ({pair.symbol})"
            for pair in pairs
            for chain in (pair.base_chain_id, pair.quote_chain_id)
            if (pair.exchange_id, chain) not in mapped
        }
    )
    return SetupStep(
        "networks",
        _("Network mappings for every chain an enabled pair uses"),
        bool(pairs) and not unmapped,
        ("missing " + "; ".join(unmapped))
        if unmapped
        else ("every chain mapped" if pairs else "no enabled pair yet"),
        _admin("exchanges_networkmapping_changelist"),
    )


def _pairs_step(pairs: list[TradingPair]) -> SetupStep:
    # A floor of zero lets dust orders through that no venue accepts; more places than a
    # Mixin asset holds cannot be paid.
    unfit = [
        pair.symbol
        for pair in pairs
        if pair.min_order_amount <= 0 or pair.amount_precision > 8 or pair.price_precision > 18
    ]
    fit = len(pairs) - len(unfit)
    return SetupStep(
        "pairs",
        _("Pairs enabled with limits that fit the venue"),
        fit > 0 and not unfit,
        f"{fit} pair(s) ready"
        + (f"; set a minimum order amount on {', '.join(unfit)}" if unfit else ""),
        _admin("exchanges_tradingpair_changelist"),
    )


def _gates_step() -> SetupStep:
    config = FundsLoopConfig.objects.first()
    if config is None:
        detail = "not reviewed yet: open the funds loop settings and save them"
    else:
        detail = (
            f"withdraw to exchange {'on' if config.withdraw_to_exchange_enabled else 'off'}, "
            f"queue on payment {'on' if config.queue_withdraw_on_payment_complete else 'off'}, "
            f"fee rate {config.market_making_fee_rate.normalize()}"
        )
    return SetupStep(
        "gates",
        _("The funds loop's gates set"),
        config is not None,
        detail,
        _admin("orders_fundsloopconfig_changelist"),
    )


def node_setup_steps() -> list[SetupStep]:
    """The steps order creation needs, in the order an operator does them."""
    pairs = _enabled_pairs()
    return [
        _mixin_step(),
        _exchange_step(),
        _api_key_step(),
        _network_step(pairs),
        _pairs_step(pairs),
        _gates_step(),
    ]


def node_setup_refusal() -> None:
    """Refuse an order while a required step is open, naming each."""
    missing = [step for step in node_setup_steps() if step.required and not step.done]
    if missing:
        raise NodeNotSetUpError(
            _("this node is not set up yet: %(steps)s")
            % {"steps": "; ".join(step.title for step in missing)},
            detail={"missing": [{"step": s.name, "detail": s.detail} for s in missing]},
        )
