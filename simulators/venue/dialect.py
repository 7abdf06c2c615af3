"""The Binance Spot REST dialect over a Venue: parsing, signatures, rendering.

What ccxt.binance sends and reads is listed in shared/reference/venue-dialect.md. Requests
are dicts of strings in, (HTTP status, JSON-able body) out; the HTTP server
(simulators.venue.server) does the sockets.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from simulators.venue import wallet
from simulators.venue.engine import (
    GTC,
    LIMIT_MAKER,
    MARKET,
    Order,
    OrderRequest,
    Trade,
)
from simulators.venue.errors import VenueError
from simulators.venue.request import (
    Request,
    decimal_param,
    fmt,
    int_param,
    required_param,
    split_pairs,
)
from simulators.venue.venue import DAY_MS, Account, Venue

DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000


class Dialect:
    def __init__(self, venue: Venue) -> None:
        self.venue = venue
        self.public: dict[tuple[str, str], Callable[[dict[str, str]], object]] = {
            ("GET", "/api/v3/ping"): lambda p: {},
            ("GET", "/api/v3/time"): lambda p: {"serverTime": self.venue.clock.now_ms()},
            ("GET", "/api/v3/exchangeInfo"): self.exchange_info,
            ("GET", "/api/v3/depth"): self.depth,
            ("GET", "/api/v3/ticker/24hr"): self.ticker,
            ("GET", "/api/v3/aggTrades"): self.agg_trades,
        }
        self.signed: dict[tuple[str, str], Callable[[Account, dict[str, str]], object]] = {
            ("GET", "/api/v3/account"): self.account,
            ("POST", "/api/v3/order"): self.order_create,
            ("DELETE", "/api/v3/order"): self.order_cancel,
            ("GET", "/api/v3/order"): self.order_get,
            ("GET", "/api/v3/openOrders"): self.open_orders,
            ("GET", "/api/v3/myTrades"): self.my_trades,
            ("GET", "/sapi/v1/capital/config/getall"): self.coins,
            ("GET", "/sapi/v1/capital/deposit/address"): self.deposit_address,
            ("GET", "/sapi/v1/capital/deposit/hisrec"): self.deposits,
            ("POST", "/sapi/v1/capital/withdraw/apply"): self.withdraw,
            ("GET", "/sapi/v1/capital/withdraw/history"): self.withdrawals,
        }

    def handles(self, method: str, path: str) -> bool:
        return (method, path) in self.public or (method, path) in self.signed

    def handle(self, request: Request) -> tuple[int, object]:
        key = (request.method, request.path)
        try:
            self.venue.run_due()
            if key in self.public:
                return 200, self.public[key](split_pairs(request.query, decode=True))
            account, params = self.authenticate(request)
            return 200, self.signed[key](account, params)
        except VenueError as error:
            return error.http_status, error.body()

    # -- signatures ------------------------------------------------------------------------

    def authenticate(self, request: Request) -> tuple[Account, dict[str, str]]:
        account = self.venue.account_by_key(request.api_key)
        # The signature covers the bytes as sent (http.server hands the query over as latin-1).
        if request.method == "POST" and request.body:
            raw = request.body
        else:
            raw = request.query.encode("iso-8859-1")
        payload, marker, signature = raw.rpartition(b"&signature=")
        if not marker:
            raise VenueError.mandatory_parameter("signature")
        expected = hmac.new(account.secret.encode(), payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.lower()):
            raise VenueError.bad_signature()
        # ccxt sends withdraw/apply values unencoded; everything else quote()-encoded.
        params = split_pairs(
            payload.decode("utf-8", errors="replace"),
            decode=request.path != "/sapi/v1/capital/withdraw/apply",
        )
        timestamp = int_param(params, "timestamp")
        window = int_param(params, "recvWindow") or DEFAULT_RECV_WINDOW_MS
        if timestamp is None:
            raise VenueError.mandatory_parameter("timestamp")
        if window > MAX_RECV_WINDOW_MS:
            raise VenueError.bad_parameter("recvWindow")
        # The client signs with its wall clock; time a test skipped on the venue's clock
        # must not make every later request stale.
        server_time = int(time.time() * 1000)
        if timestamp > server_time + 1000 or server_time - timestamp > window:
            raise VenueError.outside_recv_window()
        return account, params

    # -- public ----------------------------------------------------------------------------

    def _symbol(self, params: dict[str, str]) -> str:
        symbol = required_param(params, "symbol")
        self.venue.engine.market(symbol)
        return symbol

    def exchange_info(self, params: dict[str, str]) -> object:
        with self.venue.lock:
            markets = list(self.venue.engine.markets.values())
        return {
            "timezone": "UTC",
            "serverTime": self.venue.clock.now_ms(),
            "rateLimits": [],
            "symbols": [
                {
                    "symbol": m.symbol,
                    "status": "TRADING",
                    "baseAsset": m.base,
                    "baseAssetPrecision": 8,
                    "quoteAsset": m.quote,
                    "quotePrecision": 8,
                    "quoteAssetPrecision": 8,
                    "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"],
                    "isSpotTradingAllowed": True,
                    "isMarginTradingAllowed": False,
                    "permissions": ["SPOT"],
                    "filters": [
                        {
                            "filterType": "PRICE_FILTER",
                            "minPrice": fmt(m.min_price),
                            "maxPrice": fmt(m.max_price),
                            "tickSize": fmt(m.tick_size),
                        },
                        {
                            "filterType": "LOT_SIZE",
                            "minQty": fmt(m.min_qty),
                            "maxQty": fmt(m.max_qty),
                            "stepSize": fmt(m.step_size),
                        },
                        {
                            "filterType": "NOTIONAL",
                            "minNotional": fmt(m.min_notional),
                            "applyMinToMarket": True,
                            "maxNotional": "9000000000",
                            "applyMaxToMarket": False,
                        },
                    ],
                }
                for m in markets
            ],
        }

    def depth(self, params: dict[str, str]) -> object:
        with self.venue.lock:
            symbol = self._symbol(params)
            bids, asks = self.venue.engine.depth(symbol, int_param(params, "limit") or 100)
            last_update = self.venue.engine.updates
        return {
            "lastUpdateId": last_update,
            "bids": [[fmt(p), fmt(q)] for p, q in bids],
            "asks": [[fmt(p), fmt(q)] for p, q in asks],
        }

    def ticker(self, params: dict[str, str]) -> object:
        day = self.venue.ticker_24h(required_param(params, "symbol"))
        bid_price, bid_qty = day.best_bid or (Decimal(0), Decimal(0))
        ask_price, ask_qty = day.best_ask or (Decimal(0), Decimal(0))
        return {
            "symbol": day.symbol,
            "lastPrice": fmt(day.last),
            "bidPrice": fmt(bid_price),
            "bidQty": fmt(bid_qty),
            "askPrice": fmt(ask_price),
            "askQty": fmt(ask_qty),
            "openPrice": fmt(day.open),
            "highPrice": fmt(day.high),
            "lowPrice": fmt(day.low),
            "volume": fmt(day.volume),
            "quoteVolume": fmt(day.quote_volume),
            "openTime": day.close_ms - DAY_MS,
            "closeTime": day.close_ms,
            "count": day.count,
        }

    def agg_trades(self, params: dict[str, str]) -> object:
        with self.venue.lock:
            symbol = self._symbol(params)
            start = int_param(params, "startTime")
            trades = [
                t for t in self.venue.engine.trades[symbol] if start is None or t.time_ms >= start
            ]
        limit = int_param(params, "limit") or 500
        return [
            {
                "a": t.trade_id,
                "p": fmt(t.price),
                "q": fmt(t.qty),
                "f": t.trade_id,
                "l": t.trade_id,
                "T": t.time_ms,
                "m": t.maker_is_buyer,
            }
            for t in trades[-limit:]
        ]

    # -- account and orders ----------------------------------------------------------------

    def account(self, account: Account, params: dict[str, str]) -> object:
        balances = self.venue.balances_of(account)
        return {
            "makerCommission": 10,
            "takerCommission": 10,
            "canTrade": "trade" in account.permissions,
            "canWithdraw": "withdraw" in account.permissions,
            "canDeposit": True,
            "updateTime": self.venue.clock.now_ms(),
            "accountType": "SPOT",
            "balances": [
                {"asset": asset, "free": fmt(free), "locked": fmt(locked)}
                for asset, (free, locked) in sorted(balances.items())
            ],
            "permissions": ["SPOT"],
        }

    def order_create(self, account: Account, params: dict[str, str]) -> object:
        symbol = self._symbol(params)
        order_type = required_param(params, "type")
        request = OrderRequest(
            account=account.account_id,
            symbol=symbol,
            side=required_param(params, "side"),
            type=order_type,
            quantity=decimal_param(params, "quantity", required=False),
            price=decimal_param(params, "price", required=False),
            time_in_force=GTC if order_type == LIMIT_MAKER else params.get("timeInForce", GTC),
            client_order_id=params.get("newClientOrderId", ""),
            quote_order_qty=decimal_param(params, "quoteOrderQty", required=False),
        )
        if order_type == MARKET and request.price is not None:
            raise VenueError.bad_parameter("price")
        order = self.venue.order_create(account, request)
        return render_order(order, fills=True)

    def _order_ref(self, params: dict[str, str]) -> tuple[int | None, str]:
        order_id = int_param(params, "orderId")
        client_id = params.get("origClientOrderId", "")
        if order_id is None and not client_id:
            raise VenueError.mandatory_parameter("orderId' or 'origClientOrderId")
        return order_id, client_id

    def order_cancel(self, account: Account, params: dict[str, str]) -> object:
        order_id, client_id = self._order_ref(params)
        order = self.venue.order_cancel(
            account, symbol=self._symbol(params), order_id=order_id, client_id=client_id
        )
        return render_order(order, fills=False)

    def order_get(self, account: Account, params: dict[str, str]) -> object:
        order_id, client_id = self._order_ref(params)
        order = self.venue.order_get(
            account, symbol=self._symbol(params), order_id=order_id, client_id=client_id
        )
        return render_order(order, fills=False)

    def open_orders(self, account: Account, params: dict[str, str]) -> object:
        orders = self.venue.orders_open(account, symbol=params.get("symbol") or None)
        return [render_order(o, fills=False) for o in orders]

    def my_trades(self, account: Account, params: dict[str, str]) -> object:
        symbol = self._symbol(params)
        trades = self.venue.trades_of(
            account,
            symbol=symbol,
            from_id=int_param(params, "fromId"),
            start_ms=int_param(params, "startTime"),
            limit=min(int_param(params, "limit") or 500, 1000),
        )
        return [render_trade(t, account.account_id) for t in trades]

    # -- wallet ----------------------------------------------------------------------------

    def coins(self, account: Account, params: dict[str, str]) -> object:
        account.require("read")
        with self.venue.lock:
            configs = list(self.venue.coins.values())
        by_coin: dict[str, list[wallet.CoinNetwork]] = {}
        for config in configs:
            by_coin.setdefault(config.coin, []).append(config)
        return [
            {
                "coin": coin,
                "name": coin,
                "trading": True,
                "depositAllEnable": True,
                "withdrawAllEnable": True,
                "free": "0",
                "locked": "0",
                "networkList": [
                    {
                        "coin": coin,
                        "network": n.network,
                        "name": n.network,
                        "depositEnable": True,
                        "withdrawEnable": True,
                        "withdrawFee": fmt(n.withdraw_fee),
                        "withdrawMin": fmt(n.withdraw_min),
                        "withdrawMax": "9999999999",
                        "withdrawIntegerMultiple": "0.00000001",
                        "isDefault": index == 0,
                        "depositDesc": "",
                        "withdrawDesc": "",
                    }
                    for index, n in enumerate(networks)
                ],
            }
            for coin, networks in by_coin.items()
        ]

    def deposit_address(self, account: Account, params: dict[str, str]) -> object:
        coin = required_param(params, "coin")
        network = params.get("network") or self._default_network(coin)
        record = self.venue.deposit_address(account, coin=coin, network=network)
        return {"address": record.address, "coin": coin, "tag": record.tag, "url": ""}

    def _default_network(self, coin: str) -> str:
        with self.venue.lock:
            for config in self.venue.coins.values():
                if config.coin == coin:
                    return config.network
        raise VenueError.withdrawal_refused(f"Coin {coin} has no network on this venue.")

    def deposits(self, account: Account, params: dict[str, str]) -> object:
        records = self.venue.deposits_of(
            account, coin=params.get("coin"), start_ms=int_param(params, "startTime")
        )
        return [
            {
                "id": d.deposit_id,
                "amount": fmt(d.amount),
                "coin": d.coin,
                "network": d.network,
                "status": d.status,
                "address": d.address,
                "addressTag": d.tag,
                "txId": d.tx_hash,
                "insertTime": d.insert_time_ms,
                "transferType": 0,
                "confirmTimes": "1/1",
            }
            for d in records[: int_param(params, "limit") or 1000]
        ]

    def withdraw(self, account: Account, params: dict[str, str]) -> object:
        coin = required_param(params, "coin")
        record = self.venue.withdraw(
            account,
            coin=coin,
            network=params.get("network") or self._default_network(coin),
            address=required_param(params, "address"),
            tag=params.get("addressTag", ""),
            amount=decimal_param(params, "amount"),
            withdraw_order_id=params.get("withdrawOrderId", ""),
        )
        return {"id": record.withdrawal_id}

    def withdrawals(self, account: Account, params: dict[str, str]) -> object:
        records = self.venue.withdrawals_of(
            account,
            coin=params.get("coin"),
            start_ms=int_param(params, "startTime"),
            withdraw_order_id=params.get("withdrawOrderId", ""),
        )
        return [
            {
                "id": w.withdrawal_id,
                "amount": fmt(w.chain_amount),
                "transactionFee": fmt(w.fee),
                "coin": w.coin,
                "status": w.status,
                "address": w.address,
                "addressTag": w.tag,
                "txId": w.tx_hash,
                "applyTime": datetime.fromtimestamp(w.apply_time_ms / 1000, tz=UTC).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "network": w.network,
                "transferType": 0,
                "withdrawOrderId": w.withdraw_order_id,
            }
            for w in records[: int_param(params, "limit") or 1000]
        ]


def render_order(order: Order, *, fills: bool) -> dict[str, object]:
    body: dict[str, object] = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        "price": fmt(order.price),
        "origQty": fmt(order.orig_qty),
        "executedQty": fmt(order.executed_qty),
        "cummulativeQuoteQty": fmt(order.cumulative_quote_qty),
        "origQuoteOrderQty": fmt(order.orig_quote_qty),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
        "time": order.time_ms,
        "transactTime": order.update_time_ms,
        "updateTime": order.update_time_ms,
        "workingTime": order.time_ms,
        "isWorking": order.is_open,
        "selfTradePreventionMode": "EXPIRE_TAKER",
    }
    if fills:
        body["fills"] = [
            {
                "price": fmt(f.price),
                "qty": fmt(f.qty),
                "commission": fmt(f.commission),
                "commissionAsset": f.commission_asset,
                "tradeId": f.trade_id,
            }
            for f in order.fills
        ]
    return body


def render_trade(trade: Trade, account_id: str) -> dict[str, object]:
    is_buyer = trade.buyer == account_id
    return {
        "symbol": trade.symbol,
        "id": trade.trade_id,
        "orderId": trade.buyer_order_id if is_buyer else trade.seller_order_id,
        "orderListId": -1,
        "price": fmt(trade.price),
        "qty": fmt(trade.qty),
        "quoteQty": fmt(trade.price * trade.qty),
        "commission": fmt(trade.buyer_commission if is_buyer else trade.seller_commission),
        "commissionAsset": trade.base if is_buyer else trade.quote,
        "time": trade.time_ms,
        "isBuyer": is_buyer,
        "isMaker": trade.maker_is_buyer == is_buyer,
        "isBestMatch": True,
    }
