"""The unsigned control API under /_sim/ (tests and the demo), and a small client for it.

    POST /_sim/accounts {"label", "permissions": ["read", "trade", "withdraw"]
         [, "api_key", "secret"]} → {"api_key", "secret", "account_id"}
    POST /_sim/accounts/<api_key>/credit {"asset", "amount"}
    POST /_sim/accounts/<api_key>/keys {"permissions": ["read"][, "api_key", "secret"]}
         → {"api_key", "secret", "account_id"}: another key on the same account (a
         read-only key for HuFi); the same fixed key again answers the existing one
    POST /_sim/markets {"symbol": "XIN/USDT", "mid", "tick_size", "step_size",
         "min_notional", "volatility", "agents": true[, "maker_fee_rate", "taker_fee_rate"]}
    POST /_sim/markets/<symbol>/step {"rounds": n}
    POST /_sim/markets/<symbol>/pause {"paused": true}   (false resumes)
    POST /_sim/coins {"coin", "network", "withdraw_fee", "withdraw_min",
         "withdraw_delay_ms", "deposit_delay_ms", "mixin_asset_id"}
    POST /_sim/faults {"path", "method", "kind", "count", "delay_ms"[, "code", "msg"]}
    DELETE /_sim/faults
    POST /_sim/chaos {"rate", "seed", "kinds", "delay_ms"}   (simulators/chaos.py)
    POST /_sim/chain/incoming {"address", "tag", "amount", "tx_hash"[, "coin", "network"]}
    GET  /_sim/state

Symbols in paths may be written XIN/USDT, XIN-USDT or XINUSDT.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import requests

from simulators.venue import wallet
from simulators.venue.errors import VenueError
from simulators.venue.faults import Fault
from simulators.venue.venue import Venue

_MARKET_ACTION = re.compile(r"^/_sim/markets/(?P<symbol>.+)/(?P<action>step|pause)$")
_CREDIT = re.compile(r"^/_sim/accounts/(?P<api_key>[^/]+)/credit$")
_KEYS = re.compile(r"^/_sim/accounts/(?P<api_key>[^/]+)/keys$")


def _amount(body: dict, name: str, default: str | None = None) -> Decimal:
    raw = body.get(name, default)
    if raw is None:
        raise ValueError(f"{name} is required")
    if isinstance(raw, float):
        raise ValueError(f"{name} must be a string or an integer, not a float")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(f"{name} is not a decimal: {raw!r}") from None
    if not value.is_finite():
        raise ValueError(f"{name} must be finite")
    return value


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is None or value == "":
        raise ValueError(f"{name} is required")
    return str(value)


def _flag(body: dict, name: str, default: bool) -> bool:
    raw = body.get(name, default)
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    raise ValueError(f"{name} must be true or false")


def apply_setup(venue: Venue, setup: dict) -> None:
    """Replay a setup document through the control API: {"coins": [...], "markets": [...],
    "accounts": [{...POST /_sim/accounts body, "credits": {"USDT": "10000"}}]}."""
    for coin in setup.get("coins", []):
        _route(venue, "POST", "/_sim/coins", coin)
    for market in setup.get("markets", []):
        _route(venue, "POST", "/_sim/markets", market)
    for spec in setup.get("accounts", []):
        account = _route(venue, "POST", "/_sim/accounts", spec)
        for asset, amount in spec.get("credits", {}).items():
            path = f"/_sim/accounts/{account['api_key']}/credit"
            _route(venue, "POST", path, {"asset": asset, "amount": amount})


def handle_control(venue: Venue, method: str, path: str, body: dict) -> tuple[int, object]:
    try:
        return 200, _route(venue, method, path, body)
    except KeyError as exc:
        return 404, {"error": str(exc)}
    except (ValueError, VenueError) as exc:
        return 400, {"error": str(exc)}


def _route(venue: Venue, method: str, path: str, body: dict) -> object:
    if method == "GET" and path == "/_sim/state":
        return venue.state()
    if method == "POST" and path == "/_sim/accounts":
        account = venue.account_create(
            label=str(body.get("label", "")),
            permissions=list(body.get("permissions", [])),
            api_key=str(body.get("api_key") or ""),
            secret=str(body.get("secret") or ""),
        )
        return {
            "api_key": account.api_key,
            "secret": account.secret,
            "account_id": account.account_id,
        }
    if method == "POST" and (match := _CREDIT.match(path)):
        venue.account_credit(
            api_key=match["api_key"], asset=_text(body, "asset"), amount=_amount(body, "amount")
        )
        return {"ok": True}
    if method == "POST" and (match := _KEYS.match(path)):
        key = venue.account_key_add(
            api_key=match["api_key"],
            permissions=list(body.get("permissions", ["read"])),
            new_key=str(body.get("api_key") or ""),
            new_secret=str(body.get("secret") or ""),
        )
        return {"api_key": key.api_key, "secret": key.secret, "account_id": key.account_id}
    if method == "POST" and path == "/_sim/markets":
        market = venue.market_create(
            symbol=_text(body, "symbol"),
            mid=_amount(body, "mid"),
            tick_size=_amount(body, "tick_size"),
            step_size=_amount(body, "step_size"),
            min_notional=_amount(body, "min_notional", "0"),
            volatility=_amount(body, "volatility", "0.001"),
            agents=_flag(body, "agents", True),
            maker_fee_rate=_amount(body, "maker_fee_rate", "0.001"),
            taker_fee_rate=_amount(body, "taker_fee_rate", "0.001"),
        )
        return {"symbol": market.unified_symbol, "id": market.symbol}
    if method == "POST" and (match := _MARKET_ACTION.match(path)):
        if match["action"] == "step":
            agents = venue.market_step(symbol=match["symbol"], rounds=int(body.get("rounds", 1)))
        else:
            agents = venue.market_set_paused(
                symbol=match["symbol"], paused=_flag(body, "paused", True)
            )
        return agents.to_json()
    if method == "POST" and path == "/_sim/coins":
        venue.coin_configure(
            wallet.CoinNetwork(
                coin=_text(body, "coin"),
                network=_text(body, "network"),
                withdraw_fee=_amount(body, "withdraw_fee", "0"),
                withdraw_min=_amount(body, "withdraw_min", "0"),
                withdraw_delay_ms=int(body.get("withdraw_delay_ms", 0)),
                deposit_delay_ms=int(body.get("deposit_delay_ms", 0)),
                mixin_asset_id=str(body.get("mixin_asset_id", "")),
            )
        )
        return {"ok": True}
    if method == "POST" and path == "/_sim/faults":
        venue.faults.add(
            Fault(
                path=_text(body, "path"),
                method=str(body.get("method", "*")).upper(),
                kind=_text(body, "kind"),
                count=int(body.get("count", 1)),
                delay_ms=int(body.get("delay_ms", 3000)),
                code=int(body.get("code", -2010)),
                msg=str(body.get("msg", "New order rejected.")),
            )
        )
        return {"faults": venue.faults.snapshot()}
    if method == "POST" and path == "/_sim/chaos":
        return venue.chaos.configure(body)
    if method == "DELETE" and path == "/_sim/faults":
        venue.faults.clear()
        return {"faults": []}
    if method == "POST" and path == "/_sim/chain/incoming":
        deposit = venue.chain_incoming(
            address=_text(body, "address"),
            tag=str(body.get("tag") or ""),
            amount=_amount(body, "amount"),
            tx_hash=_text(body, "tx_hash"),
            coin=str(body.get("coin") or ""),
            network=str(body.get("network") or ""),
        )
        return {"deposit_id": deposit.deposit_id, "coin": deposit.coin, "status": deposit.status}
    raise KeyError(f"no control endpoint {method} {path}")


class SimulatorControl:
    """A client for the control API, for tests, benchmarks and the demo seed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        response = self.session.request(
            method, self.base_url + path, json=body if method != "GET" else None, timeout=10
        )
        if response.status_code != 200:
            raise requests.HTTPError(
                f"{method} {path} answered {response.status_code}: {response.text}",
                response=response,
            )
        return response.json()

    def account_create(self, *, label: str, permissions: list[str]) -> dict:
        return self.call("POST", "/_sim/accounts", {"label": label, "permissions": permissions})

    def credit(self, *, api_key: str, asset: str, amount: str) -> None:
        self.call("POST", f"/_sim/accounts/{api_key}/credit", {"asset": asset, "amount": amount})

    def account_key_add(self, *, api_key: str, permissions: list[str]) -> dict:
        return self.call("POST", f"/_sim/accounts/{api_key}/keys", {"permissions": permissions})

    def market_create(self, **spec: object) -> dict:
        """Amounts as strings (or Decimals), `agents` as a bool."""
        body = {k: v if isinstance(v, bool) else str(v) for k, v in spec.items()}
        return self.call("POST", "/_sim/markets", body)

    def market_step(self, *, symbol: str, rounds: int = 1) -> dict:
        return self.call("POST", f"/_sim/markets/{symbol}/step", {"rounds": rounds})

    def market_pause(self, *, symbol: str, paused: bool = True) -> dict:
        return self.call("POST", f"/_sim/markets/{symbol}/pause", {"paused": paused})

    def coin_configure(self, **spec: object) -> None:
        self.call("POST", "/_sim/coins", spec)

    def fault(self, **spec: object) -> None:
        self.call("POST", "/_sim/faults", spec)

    def chain_incoming(self, **transfer: object) -> dict:
        return self.call("POST", "/_sim/chain/incoming", transfer)

    def state(self) -> dict:
        return self.call("GET", "/_sim/state")
