"""The routes: the campaign launcher under /launcher, the recording oracle under /oracle,
results files under /results, and the unsigned control API under /_sim/.

Each real service has its own host; here they share one port and differ by prefix, so a
client is configured with `http://host:8103/launcher` and `http://host:8103/oracle`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from simulators.hufi import oracle
from simulators.hufi.exchange_reader import ExchangeAccess, ExchangeReadError, pairs_read
from simulators.hufi.records import HufiError, User
from simulators.hufi.world import HufiWorld

CAMPAIGN = r"(?P<key>\d+-0x[0-9a-fA-F]{40})"
EXCHANGE = r"(?P<name>[^/]+)"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: dict
    bearer: str


Handler = Callable[[HufiWorld, Request, dict[str, str]], object]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(f"^{pattern}$"), handler))
        return handler

    return register


def dispatch(world: HufiWorld, request: Request) -> tuple[int, object]:
    for method, pattern, handler in ROUTES:
        match = pattern.match(request.path)
        if match and method == request.method:
            return 200, handler(world, request, match.groupdict())
    raise HufiError(404, f"Cannot {request.method} {request.path}")


def _user(world: HufiWorld, request: Request) -> User:
    return world.user_for_token(request.bearer)


def _public_access(world: HufiWorld, name: str) -> ExchangeAccess:
    with world.lock:
        exchange = world.exchanges.get(name)
    if exchange is None:
        raise HufiError(404, f"exchange {name} not found")
    return ExchangeAccess(exchange.ccxt_id, exchange.api_base_url, "", "")


def _pairs(world: HufiWorld, name: str) -> list[str]:
    try:
        return pairs_read(_public_access(world, name))
    except ExchangeReadError as exc:
        raise HufiError(502, f"the exchange did not answer: {exc}") from None


# -- campaign launcher (public) --------------------------------------------------------


@route("GET", "/launcher/campaigns")
def launcher_campaigns(world: HufiWorld, request: Request, _: dict) -> object:
    return world.campaigns_page(request.query)


@route("GET", f"/launcher/campaigns/{CAMPAIGN}")
def launcher_campaign(world: HufiWorld, request: Request, args: dict) -> object:
    campaign = world.campaign(args["key"])
    with world.lock:
        return campaign.as_json(detail=True)


@route("GET", f"/launcher/campaigns/{CAMPAIGN}/daily-paid-amounts")
def launcher_daily_paid(world: HufiWorld, request: Request, args: dict) -> object:
    return world.daily_paid(args["key"])


@route("GET", "/launcher/exchanges")
def launcher_exchanges(world: HufiWorld, request: Request, _: dict) -> object:
    with world.lock:
        return [
            {"name": e.name, "display_name": e.display_name, "type": "cex"}
            for e in world.exchanges.values()
        ]


@route("GET", f"/launcher/exchanges/{EXCHANGE}/trading-pairs")
def launcher_pairs(world: HufiWorld, request: Request, args: dict) -> object:
    return _pairs(world, args["name"])


@route("GET", f"/launcher/exchanges/{EXCHANGE}/currencies")
def launcher_currencies(world: HufiWorld, request: Request, args: dict) -> object:
    return sorted({asset for pair in _pairs(world, args["name"]) for asset in pair.split("/")})


@route("GET", "/launcher/stats/campaigns")
def launcher_stats(world: HufiWorld, request: Request, _: dict) -> object:
    return world.stats(request.query)


@route("GET", "/launcher/health/ping")
def launcher_ping(world: HufiWorld, request: Request, _: dict) -> object:
    return {"status": "ok"}


# -- recording oracle -------------------------------------------------------------------


@route("POST", "/oracle/auth/nonce")
def oracle_nonce(world: HufiWorld, request: Request, _: dict) -> object:
    return world.nonce_for(request.body.get("address"))


@route("POST", "/oracle/auth")
def oracle_login(world: HufiWorld, request: Request, _: dict) -> object:
    return world.login(request.body)


@route("POST", "/oracle/auth/refresh")
def oracle_refresh(world: HufiWorld, request: Request, _: dict) -> object:
    return world.refresh(request.body)


@route("POST", "/oracle/auth/logout")
def oracle_logout(world: HufiWorld, request: Request, _: dict) -> object:
    return world.logout(_user(world, request))


@route("POST", "/oracle/exchange-api-keys")
def oracle_key_register(world: HufiWorld, request: Request, _: dict) -> object:
    return world.api_key_register(_user(world, request), request.body)


@route("GET", "/oracle/exchange-api-keys")
def oracle_keys(world: HufiWorld, request: Request, _: dict) -> object:
    user = _user(world, request)
    with world.lock:
        return [record.as_json() for record in user.api_keys.values()]


@route("DELETE", f"/oracle/exchange-api-keys/{EXCHANGE}")
def oracle_key_delete(world: HufiWorld, request: Request, args: dict) -> object:
    return world.api_key_delete(_user(world, request), args["name"])


@route("POST", f"/oracle/exchange-api-keys/{EXCHANGE}/revalidate")
def oracle_key_revalidate(world: HufiWorld, request: Request, args: dict) -> object:
    return world.api_key_revalidate(_user(world, request), args["name"])


@route("POST", "/oracle/campaigns/join")
def oracle_join(world: HufiWorld, request: Request, _: dict) -> object:
    return world.join(_user(world, request), request.body)


@route("POST", "/oracle/campaigns/check-join-status")
def oracle_join_status(world: HufiWorld, request: Request, _: dict) -> object:
    return world.join_status(_user(world, request), request.body)


@route("GET", "/oracle/campaigns")
def oracle_my_campaigns(world: HufiWorld, request: Request, _: dict) -> object:
    return world.campaigns_page(request.query, mine=_user(world, request))


@route("GET", f"/oracle/campaigns/{CAMPAIGN}/leaderboard")
def oracle_leaderboard(world: HufiWorld, request: Request, args: dict) -> object:
    return oracle.leaderboard(world, args["key"])


# -- control API ------------------------------------------------------------------------


@route("POST", "/_sim/tokens")
def sim_token(world: HufiWorld, request: Request, _: dict) -> object:
    token = world.token_register(request.body)
    return {**vars(token), "usd_price": str(token.usd_price)}


@route("POST", "/_sim/exchanges")
def sim_exchange(world: HufiWorld, request: Request, _: dict) -> object:
    return vars(world.exchange_register(request.body))


@route("POST", "/_sim/campaigns")
def sim_campaign(world: HufiWorld, request: Request, _: dict) -> object:
    campaign = world.campaign_create(request.body)
    with world.lock:
        return campaign.as_json(detail=True)


@route("POST", f"/_sim/campaigns/{CAMPAIGN}/advance")
def sim_advance(world: HufiWorld, request: Request, args: dict) -> object:
    return oracle.cycle_advance(world, args["key"])


@route("POST", f"/_sim/campaigns/{CAMPAIGN}/cancel")
def sim_cancel(world: HufiWorld, request: Request, args: dict) -> object:
    campaign = world.campaign_cancel(args["key"])
    with world.lock:
        return campaign.as_json(detail=True)


@route("POST", "/_sim/cycles/run-due")
def sim_run_due(world: HufiWorld, request: Request, _: dict) -> object:
    return {"cycles": oracle.cycles_run_due(world)}


@route("GET", "/_sim/clock")
def sim_clock(world: HufiWorld, request: Request, _: dict) -> object:
    with world.lock:
        return world.clock_json()


@route("POST", "/_sim/clock")
def sim_clock_set(world: HufiWorld, request: Request, _: dict) -> object:
    return world.clock_set(request.body)


@route("POST", r"/_sim/users/(?P<address>0x[0-9a-fA-F]{40})/payout-address")
def sim_payout_address(world: HufiWorld, request: Request, args: dict) -> object:
    return world.payout_address_set(args["address"], str(request.body.get("payout_address") or ""))


@route("GET", "/_sim/state")
def sim_state(world: HufiWorld, request: Request, _: dict) -> object:
    return world.state()


def apply_setup(world: HufiWorld, setup: dict) -> None:
    """Replay a setup document through the control API: {"tokens": [...], "exchanges":
    [...], "campaigns": [...]} (each item a body of its POST /_sim/... endpoint)."""
    for name in ("tokens", "exchanges", "campaigns"):
        for body in setup.get(name, []):
            dispatch(world, Request("POST", f"/_sim/{name}", {}, body, ""))


# The chain's routes register themselves on import (simulators/hufi/chain_api.py).
from simulators.hufi import chain_api  # noqa: E402, F401
