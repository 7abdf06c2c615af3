"""One simulated venue: accounts and permissions, the engine, the wallet, agents, time.

Everything here runs under one lock, so the HTTP threads, the agents' thread and an
in-process gateway see one consistent state. Methods raise VenueError for refusals; both
the HTTP dialect and the in-process gateway call these methods, so they refuse alike.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from simulators.chaos import Chaos
from simulators.venue import wallet
from simulators.venue.agents import MarketAgents
from simulators.venue.clock import Clock, WallClock
from simulators.venue.engine import (
    Engine,
    Market,
    Order,
    OrderRequest,
    Trade,
)
from simulators.venue.errors import VenueError
from simulators.venue.faults import Faults
from simulators.venue.transfers import VenueTransfers

logger = logging.getLogger(__name__)

PERMISSIONS = frozenset({"read", "trade", "withdraw"})
STATE_TRADES = 100  # per symbol, in GET /_sim/state


DAY_MS = 86_400_000


@dataclass(frozen=True)
class DayTicker:
    symbol: str
    last: Decimal
    best_bid: tuple[Decimal, Decimal] | None  # (price, quantity)
    best_ask: tuple[Decimal, Decimal] | None
    open: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal
    quote_volume: Decimal
    count: int
    close_ms: int


@dataclass(frozen=True)
class Account:
    account_id: str
    label: str
    api_key: str
    secret: str
    permissions: frozenset[str]

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise VenueError.not_permitted()


class Venue(VenueTransfers):
    def __init__(self, *, seed: int = 0, peer_url: str = "", clock: Clock | None = None) -> None:
        self.seed = seed
        self.peer_url = peer_url.rstrip("/")
        self.clock = clock or WallClock()
        self.lock = threading.RLock()
        self.engine = Engine(clock_ms=self.clock.now_ms)
        self.faults = Faults()
        self.chaos = Chaos()
        self.accounts: dict[str, Account] = {}  # by api key
        self.agents: dict[str, MarketAgents] = {}
        self.coins: dict[tuple[str, str], wallet.CoinNetwork] = {}
        self.addresses: dict[str, wallet.DepositAddress] = {}  # by address
        self.deposits: list[wallet.Deposit] = []
        self.deposits_by_tx: dict[str, wallet.Deposit] = {}
        self.withdrawals: list[wallet.Withdrawal] = []
        self.withdrawals_by_client_id: dict[tuple[str, str], wallet.Withdrawal] = {}
        self._ids = itertools.count(1)
        self._due: list[tuple[int, int, Callable[[], None]]] = []
        self.peer_outbox: queue.Queue[wallet.Withdrawal | None] = queue.Queue()

    # -- control ---------------------------------------------------------------------------

    def account_create(
        self, *, label: str, permissions: list[str], api_key: str = "", secret: str = ""
    ) -> Account:
        """A new account; fixed credentials (both or neither) keep a demo key across restarts."""
        unknown = set(permissions) - PERMISSIONS
        if unknown:
            raise ValueError(f"unknown permissions {sorted(unknown)}; use {sorted(PERMISSIONS)}")
        if bool(api_key) != bool(secret):
            raise ValueError("give both api_key and secret, or neither")
        if api_key and (len(api_key) < 16 or len(secret) < 16):
            raise ValueError("a fixed api_key and secret need at least 16 characters each")
        with self.lock:
            if api_key in self.accounts:
                raise ValueError("that api_key is taken")
            account = Account(
                account_id=f"acct-{next(self._ids)}",
                label=label,
                api_key=api_key or secrets.token_hex(32),
                secret=secret or secrets.token_hex(32),
                permissions=frozenset(permissions),
            )
            self.accounts[account.api_key] = account
            return account

    def account_key_add(
        self, *, api_key: str, permissions: list[str], new_key: str = "", new_secret: str = ""
    ) -> Account:
        """Another key on the account that `api_key` opens, e.g. a read-only one; fixed
        credentials (both or neither) keep a demo key across restarts."""
        unknown = set(permissions) - PERMISSIONS
        if unknown:
            raise ValueError(f"unknown permissions {sorted(unknown)}; use {sorted(PERMISSIONS)}")
        if bool(new_key) != bool(new_secret):
            raise ValueError("give both api_key and secret, or neither")
        with self.lock:
            owner = self.account_by_key(api_key)
            if new_key in self.accounts:
                existing = self.accounts[new_key]
                if existing.account_id != owner.account_id or existing.secret != new_secret:
                    raise ValueError("that api_key is taken")
                return existing
            key = Account(
                account_id=owner.account_id,
                label=f"{owner.label} ({'+'.join(sorted(permissions))})",
                api_key=new_key or secrets.token_hex(32),
                secret=new_secret or secrets.token_hex(32),
                permissions=frozenset(permissions),
            )
            self.accounts[key.api_key] = key
        return key

    def account_by_key(self, api_key: str) -> Account:
        account = self.accounts.get(api_key)
        if account is None:
            raise VenueError.unknown_api_key()
        return account

    def account_credit(self, *, api_key: str, asset: str, amount: Decimal) -> None:
        with self.lock:
            account = self.account_by_key(api_key)
            self.engine.credit(account=account.account_id, asset=asset, amount=amount)

    def market_create(
        self,
        *,
        symbol: str,
        mid: Decimal,
        tick_size: Decimal,
        step_size: Decimal,
        min_notional: Decimal,
        volatility: Decimal = Decimal("0.001"),
        agents: bool = True,
        maker_fee_rate: Decimal = Decimal("0.001"),
        taker_fee_rate: Decimal = Decimal("0.001"),
    ) -> Market:
        base, _, quote = symbol.partition("/")
        if not base or not quote:
            raise ValueError("symbol must look like BASE/QUOTE")
        if min(mid, tick_size, step_size) <= 0 or min_notional < 0 or volatility < 0:
            raise ValueError(
                "mid, tick_size and step_size must be positive; min_notional and "
                "volatility not negative"
            )
        market = Market(
            symbol=f"{base}{quote}",
            base=base,
            quote=quote,
            tick_size=tick_size,
            step_size=step_size,
            min_qty=step_size,
            max_qty=Decimal(10_000_000),
            min_price=tick_size,
            max_price=Decimal(10_000_000),
            min_notional=min_notional,
            maker_fee_rate=maker_fee_rate,
            taker_fee_rate=taker_fee_rate,
        )
        with self.lock:
            if market.symbol in self.engine.markets:
                raise ValueError(f"{symbol} exists already")
            self.engine.add_market(market)
            if agents:
                self.agents[market.symbol] = MarketAgents(
                    engine=self.engine,
                    market=market,
                    mid=mid,
                    volatility=volatility,
                    seed=self.seed,
                )
                self.agents[market.symbol].step()
        return market

    def market_id(self, symbol: str) -> str:
        """Accept the unified (XIN/USDT) or the exchange's (XINUSDT) spelling."""
        return symbol.replace("/", "").replace("-", "").upper()

    def market_agents(self, symbol: str) -> MarketAgents:
        agents = self.agents.get(self.market_id(symbol))
        if agents is None:
            raise KeyError(f"no agents on {symbol}")
        return agents

    def market_step(self, *, symbol: str, rounds: int) -> MarketAgents:
        with self.lock:
            agents = self.market_agents(symbol)
            for _ in range(rounds):
                agents.step()
            return agents

    def market_set_paused(self, *, symbol: str, paused: bool) -> MarketAgents:
        with self.lock:
            agents = self.market_agents(symbol)
            agents.paused = paused
            return agents

    def agents_run_round(self) -> None:
        """One round on every market that is not paused (the background thread's beat)."""
        with self.lock:
            for agents in self.agents.values():
                if not agents.paused:
                    agents.step()

    def coin_configure(self, config: wallet.CoinNetwork) -> None:
        with self.lock:
            self.coins[(config.coin, config.network)] = config

    def coin(self, coin: str, network: str) -> wallet.CoinNetwork:
        config = self.coins.get((coin, network))
        if config is None:
            raise VenueError.withdrawal_refused(f"Network {network} of coin {coin} is unknown.")
        return config

    # -- time ------------------------------------------------------------------------------

    def _schedule(self, delay_ms: int, action: Callable[[], None]) -> None:
        heapq.heappush(self._due, (self.clock.now_ms() + delay_ms, next(self._ids), action))

    def run_due(self) -> None:
        """Complete deposits and withdrawals whose delay has passed."""
        with self.lock:
            current = self.clock.now_ms()
            while self._due and self._due[0][0] <= current:
                _, _, action = heapq.heappop(self._due)
                action()

    # -- market data -----------------------------------------------------------------------

    def ticker_24h(self, symbol: str) -> DayTicker:
        """Last price, best bid and ask, and the last 24 hours' range and volume."""
        with self.lock:
            self.engine.market(symbol)
            bids, asks = self.engine.depth(symbol, 1)
            now = self.clock.now_ms()
            day = list(
                itertools.takewhile(
                    lambda t: t.time_ms >= now - DAY_MS, reversed(self.engine.trades[symbol])
                )
            )[::-1]
            agents = self.agents.get(symbol)
        if day:
            last = day[-1].price
        elif bids and asks:
            last = (bids[0][0] + asks[0][0]) / 2
        else:
            last = agents.mid if agents else Decimal(0)
        prices = [t.price for t in day] or [last]
        return DayTicker(
            symbol=symbol,
            last=last,
            best_bid=bids[0] if bids else None,
            best_ask=asks[0] if asks else None,
            open=prices[0],
            high=max(prices),
            low=min(prices),
            volume=sum((t.qty for t in day), Decimal(0)),
            quote_volume=sum((t.qty * t.price for t in day), Decimal(0)),
            count=len(day),
            close_ms=now,
        )

    # -- trading (what the dialect's order endpoints call) ---------------------------------

    def order_create(self, account: Account, request: OrderRequest) -> Order:
        account.require("trade")
        with self.lock:
            return self.engine.submit(request)

    def order_cancel(
        self, account: Account, *, symbol: str, order_id: int | None, client_id: str
    ) -> Order:
        account.require("trade")
        with self.lock:
            self.engine.market(symbol)
            return self.engine.cancel(
                account=account.account_id, symbol=symbol, order_id=order_id, client_id=client_id
            )

    def order_get(
        self, account: Account, *, symbol: str, order_id: int | None, client_id: str
    ) -> Order:
        account.require("read")
        with self.lock:
            self.engine.market(symbol)
            order = self.engine.find_order(
                account=account.account_id, symbol=symbol, order_id=order_id, client_id=client_id
            )
            if order is None:
                raise VenueError.order_does_not_exist()
            return order

    def orders_open(self, account: Account, *, symbol: str | None) -> list[Order]:
        account.require("read")
        with self.lock:
            if symbol:
                self.engine.market(symbol)
            return self.engine.open_orders(account=account.account_id, symbol=symbol)

    def trades_of(
        self,
        account: Account,
        *,
        symbol: str,
        from_id: int | None = None,
        start_ms: int | None = None,
        limit: int = 500,
    ) -> list[Trade]:
        account.require("read")
        with self.lock:
            self.engine.market(symbol)
            trades = self.engine.trades[symbol]
            # Trade ids count up from 1 per symbol, so id n sits at index n - 1.
            first = max((from_id or 1) - 1, 0)
            mine = []
            for trade in itertools.islice(trades, first, None):
                if len(mine) == limit:
                    break
                if account.account_id in (trade.buyer, trade.seller) and (
                    start_ms is None or trade.time_ms >= start_ms
                ):
                    mine.append(trade)
            return mine

    def balances_of(self, account: Account) -> dict[str, tuple[Decimal, Decimal]]:
        account.require("read")
        with self.lock:
            return {
                asset: (balance.free, balance.locked)
                for asset, balance in self.engine.balances[account.account_id].items()
            }

    # -- state -----------------------------------------------------------------------------

    def state(self) -> dict[str, object]:
        with self.lock:
            engine = self.engine
            assets = sorted({a for bal in engine.balances.values() for a in bal})
            return {
                "accounts": [
                    {
                        "account_id": a.account_id,
                        "label": a.label,
                        "api_key": a.api_key,
                        "permissions": sorted(a.permissions),
                        "balances": {
                            asset: {"free": str(b.free), "locked": str(b.locked)}
                            for asset, b in engine.balances[a.account_id].items()
                        },
                    }
                    for a in self.accounts.values()
                ],
                "markets": {
                    symbol: {
                        "symbol": m.unified_symbol,
                        "agents": self.agents[symbol].to_json() if symbol in self.agents else None,
                    }
                    for symbol, m in engine.markets.items()
                },
                "open_orders": [
                    _order_state(o) for o in engine.open_orders(account=None, symbol=None)
                ],
                "trade_count": sum(len(t) for t in engine.trades.values()),
                "recent_trades": [
                    _plain(t) for trades in engine.trades.values() for t in trades[-STATE_TRADES:]
                ],
                "holdings": {asset: str(engine.holdings(asset)) for asset in assets},
                "fees_collected": {k: str(v) for k, v in engine.fees_collected.items()},
                "external_net": {k: str(v) for k, v in engine.external_net.items()},
                "deposits": [_plain(d) for d in self.deposits],
                "withdrawals": [_plain(w) for w in self.withdrawals],
                "faults": self.faults.snapshot(),
                "chaos": self.chaos.snapshot(),
                # The same client order id placed twice would be a quote sent twice.
                "client_order_ids_placed_twice": engine.client_ids_placed_twice(),
            }


def _order_state(order: Order) -> dict[str, object]:
    return {
        "order_id": order.order_id,
        "client_order_id": order.client_order_id,
        "account": order.account,
        "symbol": order.symbol,
        "side": order.side,
        "price": str(order.price),
        "orig_qty": str(order.orig_qty),
        "executed_qty": str(order.executed_qty),
        "status": order.status,
    }


def _plain(record: object) -> dict[str, object]:
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in vars(record).items()
    }
