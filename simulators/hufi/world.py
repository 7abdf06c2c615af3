"""The HuFi simulator's state and every change to it, under one lock.

Network reads (a participant's exchange, the payout chain) never happen under the lock:
the callers in `oracle` and `world.api_key_register` read first and write after.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import uuid
from decimal import Decimal

from simulators.hufi import auth
from simulators.hufi.chain import Chain
from simulators.hufi.exchange_reader import ExchangeAccess, ExchangeReadError, balances_read
from simulators.hufi.manifest import (
    ManifestError,
    iso_ms,
    json_value,
    manifest_validate,
    parse_decimal,
    parse_time_ms,
)
from simulators.hufi.records import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    FEE_NAMES,
    TO_CANCEL,
    ApiKeyRecord,
    Campaign,
    HufiError,
    Participation,
    SimClock,
    SimExchange,
    Token,
    Transfer,
    User,
)

LIST_LIMIT_DEFAULT = 10
LIST_LIMIT_MAX = 1000
DEFAULT_FEE_PERCENT = Decimal(0)
ZERO = Decimal(0)


def _fake_address(*parts: object) -> str:
    return "0x" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:40]


class HufiWorld:
    def __init__(self, *, peer_url: str = "", seed: int = 0) -> None:
        self.peer_url = peer_url.rstrip("/")  # the Mixin simulator: reward transfers land there
        self.seed = seed
        self.base_url = ""  # the server's own URL, for results file links; set by the server
        self.lock = threading.RLock()
        self.clock = SimClock()
        self.sessions = auth.Sessions()
        self.tokens: dict[tuple[int, str], Token] = {}  # (chain, lower address)
        self.exchanges: dict[str, SimExchange] = {}
        self.users: dict[str, User] = {}  # by lower-case address
        self.campaigns: dict[str, Campaign] = {}  # by "chain-address" (lower-case address)
        self.results_files: dict[str, bytes] = {}  # by sha256 hex
        self.transfers: list[Transfer] = []
        self.chain = Chain(seed)  # token balances, signed transfers, campaign escrows
        self._ids = itertools.count(1)

    # -- control: tokens, exchanges, campaigns, clock ------------------------------------

    def token_register(self, body: dict) -> Token:
        chain_id = int(body.get("chain_id") or 0)
        symbol = str(body.get("symbol") or "")
        address = auth.checked_address(body.get("address") or _fake_address(chain_id, symbol))
        token = Token(
            chain_id=chain_id,
            address=address,
            symbol=symbol,
            decimals=int(body.get("decimals", 18)),
            mixin_asset_id=str(body.get("mixin_asset_id") or ""),
            usd_price=parse_decimal(body.get("usd_price", "0"), "usd_price"),
        )
        if not chain_id or not symbol or not 0 <= token.decimals <= 18:
            raise HufiError(400, "a token needs chain_id, symbol and decimals from 0 to 18")
        with self.lock:
            self.tokens[(chain_id, address.lower())] = token
        return token

    def token_find(self, chain_id: int, name: str) -> Token:
        """By address or symbol on that chain."""
        with self.lock:
            for (chain, address), token in self.tokens.items():
                if chain == chain_id and name.lower() in (address, token.symbol.lower()):
                    return token
        raise HufiError(400, f"no token {name!r} on chain {chain_id}; register it first")

    def exchange_register(self, body: dict) -> SimExchange:
        name = str(body.get("name") or "")
        if not name or not body.get("api_base_url"):
            raise HufiError(400, "an exchange needs a name and an api_base_url")
        exchange = SimExchange(
            name=name,
            display_name=str(body.get("display_name") or name),
            ccxt_id=str(body.get("ccxt_id") or "binance"),
            api_base_url=str(body["api_base_url"]),
        )
        with self.lock:
            self.exchanges[name] = exchange
        return exchange

    def campaign_create(self, body: dict, *, checked_at_ms: int | None = None) -> Campaign:
        """A funded campaign on the launcher; `checked_at_ms` is when its manifest was
        checked (an escrow's creation), if not now."""
        chain_id = int(body.get("chain_id") or 0)
        raw_manifest = body.get("manifest")
        if not isinstance(raw_manifest, dict):
            raise HufiError(400, "manifest must be an object")
        token = self.token_find(chain_id, str(body.get("fund_token") or ""))
        fund = parse_decimal(body.get("fund_amount"), "fund_amount")
        if fund != fund.quantize(Decimal(1).scaleb(-token.decimals)):
            raise HufiError(400, f"fund_amount has more than {token.decimals} decimals")
        fees = {
            name: parse_decimal(body.get(f"{name}_fee_percent", DEFAULT_FEE_PERCENT), name)
            for name in FEE_NAMES
        }
        if any(fee < 0 for fee in fees.values()) or sum(fees.values()) >= 100:
            raise HufiError(400, "oracle fees must be non-negative and add up to under 100")
        with self.lock:
            now = self.clock.now_ms()
            try:
                manifest = manifest_validate(
                    raw_manifest,
                    now_ms=now if checked_at_ms is None else checked_at_ms,
                    fund_amount=fund,
                    exchanges=self.exchanges,
                )
            except ManifestError as exc:
                raise HufiError(
                    400, "the manifest breaks the launcher's rules", details=exc.problems
                ) from None
            number = next(self._ids)
            address = auth.checked_address(
                body.get("address") or _fake_address("escrow", self.seed, chain_id, number)
            )
            campaign = Campaign(
                chain_id=chain_id,
                address=address,
                manifest=manifest,
                token=token,
                fund_amount=fund,
                launcher=auth.checked_address(
                    body.get("launcher") or _fake_address("launcher", self.seed)
                ),
                oracles={name: _fake_address(name, self.seed) for name in FEE_NAMES},
                fee_percents=fees,
                created_at_ms=now,
            )
            if campaign.key.lower() in self.campaigns:
                raise HufiError(409, f"campaign {campaign.key} exists")
            self.campaigns[campaign.key.lower()] = campaign
            return campaign

    def campaign(self, key: str) -> Campaign:
        with self.lock:
            campaign = self.campaigns.get(key.lower())
        if campaign is None:
            raise HufiError(404, f"campaign {key} not found")
        return campaign

    def campaign_cancel(self, key: str) -> Campaign:
        """The launcher asks to cancel: the running cycle is cut at this moment."""
        with self.lock:
            campaign = self.campaign(key)
            if campaign.status != ACTIVE:
                raise HufiError(400, f"campaign {key} is {campaign.status}")
            campaign.status = TO_CANCEL
            campaign.cancellation_requested_at_ms = self.clock.now_ms()
            if campaign.next_window() is None:
                self.campaign_finalize(campaign)
            return campaign

    def campaign_finalize(self, campaign: Campaign) -> None:
        campaign.status = CANCELLED if campaign.status == TO_CANCEL else COMPLETED
        campaign.finalized_at_ms = self.clock.now_ms()
        campaign.final_results_url = campaign.intermediate_results_url

    def clock_set(self, body: dict) -> dict:
        with self.lock:
            if body.get("now") is not None:
                target = parse_time_ms(body["now"], "now")
                self.clock.offset_ms += target - self.clock.now_ms()
            self.clock.offset_ms += int(Decimal(str(body.get("advance_seconds", 0))) * 1000)
            return self.clock_json()

    def clock_json(self) -> dict:
        return {"now": iso_ms(self.clock.now_ms()), "offset_ms": self.clock.offset_ms}

    def payout_address_set(self, address: str, payout_address: str) -> dict:
        """Where a participant's rewards go (default: its own address); see the docs."""
        with self.lock:
            user = self._user(auth.checked_address(address).lower())
            if not payout_address:
                raise HufiError(400, "payout_address is required")
            user.payout_address = payout_address
            return {"address": user.address, "payout_address": user.payout_address}

    # -- login --------------------------------------------------------------------------

    def _user(self, address: str) -> User:
        user = self.users.get(address)
        if user is None:
            raise HufiError(404, f"no user {address}")
        return user

    def nonce_for(self, raw_address: object) -> dict:
        address = auth.checked_address(raw_address).lower()
        with self.lock:
            user = self.users.get(address)
            return {"nonce": user.nonce if user else auth.SIGNUP_NONCE}

    def login(self, body: dict) -> dict:
        address = auth.checked_address(body.get("address"))
        with self.lock:
            user = self.users.get(address.lower())
            nonce = user.nonce if user else auth.SIGNUP_NONCE
            if auth.signer_of(nonce, str(body.get("signature") or "")) != address.lower():
                raise HufiError(401, "the signature is not the address's over its nonce")
            if user is None:
                user = User(address=address, nonce="", payout_address=address)
                self.users[address.lower()] = user
            user.nonce = auth.new_nonce()
            return self.sessions.issue(address=address.lower(), now_ms=self.clock.now_ms())

    def refresh(self, body: dict) -> dict:
        with self.lock:
            return self.sessions.renew(
                str(body.get("refresh_token") or ""), now_ms=self.clock.now_ms()
            )

    def user_for_token(self, access_token: str) -> User:
        with self.lock:
            address = self.sessions.address_of(access_token, now_ms=self.clock.now_ms())
            return self._user(address)

    def logout(self, user: User) -> dict:
        with self.lock:
            self.sessions.revoke(user.address.lower())
            return {}

    # -- exchange API keys --------------------------------------------------------------

    def exchange_access(self, user: User, exchange_name: str) -> ExchangeAccess | None:
        with self.lock:
            record = user.api_keys.get(exchange_name)
            exchange = self.exchanges.get(exchange_name)
            if record is None or exchange is None:
                return None
            return ExchangeAccess(
                exchange.ccxt_id, exchange.api_base_url, record.api_key, record.secret_key
            )

    def api_key_register(self, user: User, body: dict) -> dict:
        """Accepted only if the key reads the account (balances) on that exchange."""
        name = str(body.get("exchange_name") or "")
        api_key, secret = str(body.get("api_key") or ""), str(body.get("secret_key") or "")
        with self.lock:
            exchange = self.exchanges.get(name)
        if exchange is None:
            raise HufiError(400, f"exchange {name!r} is not supported")
        if not api_key or not secret:
            raise HufiError(400, "api_key and secret_key are required")
        access = ExchangeAccess(exchange.ccxt_id, exchange.api_base_url, api_key, secret)
        try:
            balances_read(access)
        except ExchangeReadError as exc:
            raise HufiError(422, f"the key cannot read the account: {exc}") from None
        with self.lock:
            record = ApiKeyRecord(
                key_id=str(uuid.uuid4()),
                exchange_name=name,
                api_key=api_key,
                secret_key=secret,
                extras=dict(body.get("extras") or {}),
                is_valid=True,
                updated_at_ms=self.clock.now_ms(),
            )
            user.api_keys[name] = record
            return {"id": record.key_id, "exchange_name": name, "api_key": api_key}

    def api_key_revalidate(self, user: User, exchange_name: str) -> dict:
        access = self.exchange_access(user, exchange_name)
        if access is None:
            raise HufiError(404, f"no key for {exchange_name}")
        try:
            balances_read(access)
            valid = True
        except ExchangeReadError:
            valid = False
        with self.lock:
            record = user.api_keys[exchange_name]
            record.is_valid, record.updated_at_ms = valid, self.clock.now_ms()
            return record.as_json()

    def api_key_delete(self, user: User, exchange_name: str) -> dict:
        with self.lock:
            if user.api_keys.pop(exchange_name, None) is None:
                raise HufiError(404, f"no key for {exchange_name}")
            return {}

    # -- joining ------------------------------------------------------------------------

    def _campaign_of(self, body: dict) -> Campaign:
        return self.campaign(f"{body.get('chain_id')}-{body.get('address')}")

    def join_status(self, user: User, body: dict) -> dict:
        with self.lock:
            try:
                campaign = self._campaign_of(body)
            except HufiError:
                return {"status": "not_available"}
            joined = campaign.participants.get(user.address.lower())
            if joined is not None:
                return {"status": "already_joined", "joined_at": iso_ms(joined.joined_at_ms)}
            reason = campaign.join_closed_reason(self.clock.now_ms())
            if reason:
                return {"status": "join_closed", "reason": reason}
            return {"status": "can_join"}

    def join(self, user: User, body: dict) -> dict:
        with self.lock:
            campaign = self._campaign_of(body)
            joined = campaign.participants.get(user.address.lower())
            if joined is not None:
                return {"id": joined.join_id}
            reason = campaign.join_closed_reason(self.clock.now_ms())
            if reason:
                raise HufiError(400, f"joining is closed: {reason}")
            record = user.api_keys.get(campaign.manifest.exchange)
            if record is None or not record.is_valid:
                raise HufiError(400, f"register a valid {campaign.manifest.exchange} key first")
            joined = Participation(str(uuid.uuid4()), user.address, self.clock.now_ms())
            campaign.participants[user.address.lower()] = joined
            return {"id": joined.join_id}

    # -- reads --------------------------------------------------------------------------

    def campaigns_page(self, query: dict[str, str], *, mine: User | None = None) -> dict:
        try:
            limit = int(query.get("limit") or LIST_LIMIT_DEFAULT)
            skip = int(query.get("skip") or 0)
        except ValueError:
            raise HufiError(400, "limit and skip must be integers") from None
        if not 1 <= limit <= LIST_LIMIT_MAX or skip < 0:
            raise HufiError(400, f"limit must be 1 to {LIST_LIMIT_MAX}, skip at least 0")
        filters = {
            "chain_id": lambda c, v: str(c.chain_id) == v,
            "launcher": lambda c, v: c.launcher.lower() == v.lower(),
            "status": lambda c, v: c.status == v,
            "type": lambda c, v: c.manifest.type == v,
            "exchange": lambda c, v: c.manifest.exchange == v,
        }
        with self.lock:
            # newest first; reversed insertion order breaks ties within a millisecond
            found = sorted(reversed(self.campaigns.values()), key=lambda c: -c.created_at_ms)
            if mine is not None:
                found = [c for c in found if mine.address.lower() in c.participants]
            for name, keep in filters.items():
                if query.get(name):
                    found = [c for c in found if keep(c, query[name])]
            page = found[skip : skip + limit]
            results = [c.as_json() for c in page]
            if mine is not None:
                for campaign, body in zip(page, results, strict=True):
                    body["fund_amount_net"] = json_value(campaign.fund_amount_net)
                    body["processing_status"] = (
                        "in_progress" if campaign.finalized_at_ms is None else "finished"
                    )
            return {"has_more": skip + limit < len(found), "results": results}

    def daily_paid(self, key: str) -> dict:
        with self.lock:
            paid = self.campaign(key).daily_paid
            return {"results": [{"date": d, "amount": json_value(a)} for d, a in paid.items()]}

    def stats(self, query: dict[str, str]) -> dict:
        with self.lock:
            chosen = [
                c
                for c in self.campaigns.values()
                if not query.get("chain_id") or str(c.chain_id) == query["chain_id"]
            ]
            active = [c for c in chosen if c.status in (ACTIVE, TO_CANCEL)]
            pool = sum(((c.fund_amount - c.amount_paid) * c.token.usd_price for c in active), ZERO)
            return {
                "n_active_campaigns": len(active),
                "rewards_pool_usd": json_value(pool),
                "n_finished_campaigns": len(chosen) - len(active),
                "total_rewards_distributed": json_value(
                    sum((c.amount_paid * c.token.usd_price for c in chosen), ZERO)
                ),
            }

    def results_file_store(self, document: dict) -> tuple[str, str]:
        """Canonical JSON stored under its sha256; returns (sha256, URL)."""
        body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
        digest = hashlib.sha256(body).hexdigest()
        with self.lock:
            self.results_files[digest] = body
        return digest, f"{self.base_url}/results/{digest}.json"

    def state(self) -> dict:
        with self.lock:
            return {
                "clock": self.clock_json(),
                "tokens": [
                    {**vars(t), "usd_price": json_value(t.usd_price)} for t in self.tokens.values()
                ],
                "exchanges": [vars(e) for e in self.exchanges.values()],
                "users": [
                    {
                        "address": u.address,
                        "payout_address": u.payout_address,
                        "api_keys": [k.as_json() for k in u.api_keys.values()],
                    }
                    for u in self.users.values()
                ],
                "campaigns": [
                    {
                        **c.as_json(detail=True),
                        "cycles_done": c.cycles_done,
                        "cycles": len(c.windows()),
                        "participants": [
                            {"address": p.address, "joined_at": iso_ms(p.joined_at_ms)}
                            for p in c.participants.values()
                        ],
                    }
                    for c in self.campaigns.values()
                ],
                "results_files": sorted(self.results_files),
                "transfers": [t.as_json() for t in self.transfers],
                "escrows": [e.as_json() for e in self.chain.escrows.values()],
                "chain_transfers": [t.as_json() for t in self.chain.transfers.values()],
            }
