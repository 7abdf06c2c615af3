"""The venue's matching engine: pure Python and Decimal, no I/O, no clock of its own.

Price-time priority per symbol, partial fills, maker/taker fees, the exchange's filters
(tick, step, min/max quantity, min notional), GTC / IOC / FOK limit orders, post-only
(LIMIT_MAKER) and market orders, self-trade prevention (the incoming order expires rather
than trade with a resting order of the same account), and balances with free and locked
parts.

Every order is planned first (which resting orders it would meet, for how much) and only
applied once every check passed, so a refused order leaves no trace. The invariant the
tests hold it to: for every asset, the sum of all accounts' free + locked plus the fees
collected equals what was credited minus what was debited from outside.

The records it works on and the book's price levels are in simulators.venue.book.

Arithmetic runs in a 60-digit context that traps inexact results: an amount that would
have to be rounded silently raises instead.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Context, Decimal, Inexact, localcontext

from simulators.venue.book import (
    BUY,
    CANCELED,
    CLIENT_ORDER_ID,
    EXPIRED,
    FILLED,
    FOK,
    GTC,
    IOC,
    LIMIT,
    LIMIT_MAKER,
    MARKET,
    NEW,
    PARTIALLY_FILLED,
    SELL,
    ZERO,
    Balance,
    Book,
    Fill,
    Market,
    Order,
    OrderRequest,
    Trade,
)
from simulators.venue.errors import VenueError

EXACT = Context(prec=60, traps=[Inexact])
# Where rounding is the rule (fees, a quote budget turned into a quantity), it is explicit.
ROUNDING = Context(prec=60)
FEE_QUANTUM = Decimal("1e-8")


def _crosses(side: str, limit: Decimal | None, resting_price: Decimal) -> bool:
    if limit is None:
        return True
    return resting_price <= limit if side == BUY else resting_price >= limit


@dataclass
class _Plan:
    matches: list[tuple[Order, Decimal]]
    self_trade_stop: bool
    complete: bool  # the whole quantity (or quote budget) is matched

    @property
    def qty(self) -> Decimal:
        return sum((qty for _, qty in self.matches), ZERO)

    @property
    def cost(self) -> Decimal:
        return sum((resting.price * qty for resting, qty in self.matches), ZERO)


class Engine:
    """Books, orders, trades and balances of one venue. Not thread-safe: the venue locks."""

    def __init__(self, *, clock_ms: Callable[[], int]) -> None:
        self.clock_ms = clock_ms
        self.markets: dict[str, Market] = {}
        self.books: dict[str, Book] = {}
        self.orders: dict[int, Order] = {}
        self.trades: dict[str, list[Trade]] = defaultdict(list)
        self.balances: dict[str, dict[str, Balance]] = defaultdict(lambda: defaultdict(Balance))
        self.fees_collected: dict[str, Decimal] = defaultdict(Decimal)
        self.external_net: dict[str, Decimal] = defaultdict(Decimal)  # credits − debits
        self._order_ids = itertools.count(1)
        self._trade_ids: dict[str, Iterator[int]] = {}
        self._client_ids: dict[tuple[str, str, str], int] = {}
        self.updates = 0  # rises with every change to a book (the depth's lastUpdateId)

    # -- markets and balances -------------------------------------------------------------

    def add_market(self, market: Market) -> None:
        self.markets[market.symbol] = market
        self.books.setdefault(market.symbol, Book())
        self._trade_ids.setdefault(market.symbol, itertools.count(1))

    def market(self, symbol: str) -> Market:
        try:
            return self.markets[symbol]
        except KeyError:
            raise VenueError.invalid_symbol() from None

    def credit(self, *, account: str, asset: str, amount: Decimal) -> None:
        """Money arriving from outside the venue (a deposit or a test's credit)."""
        if amount <= 0:
            raise ValueError("a credit must be positive")
        with localcontext(EXACT):
            self.balances[account][asset].free += amount
            self.external_net[asset] += amount

    def debit(self, *, account: str, asset: str, amount: Decimal) -> None:
        """Money leaving the venue (a withdrawal); refused when the free balance is short."""
        with localcontext(EXACT):
            balance = self.balances[account][asset]
            if amount <= 0 or balance.free < amount:
                raise VenueError.insufficient_balance()
            balance.free -= amount
            self.external_net[asset] -= amount

    def balance_of(self, account: str, asset: str) -> Balance:
        return self.balances[account][asset]

    # -- orders ---------------------------------------------------------------------------

    def submit(self, request: OrderRequest) -> Order:
        """Validate, match and rest (or expire) an order; raise VenueError with no effect."""
        with localcontext(EXACT):
            market = self.market(request.symbol)
            self._validate(market, request)
            book = self.books[market.symbol]
            if request.type == LIMIT_MAKER:
                best = book.opposite_of(request.side).best_price()
                if best is not None and _crosses(request.side, request.price, best):
                    raise VenueError.would_match_and_take()
            plan = self._plan(market, book, request)
            if request.type == MARKET:
                self._check_market_notional(market, plan)
            self._check_funds(market, request, plan)
            self.updates += 1
            return self._apply(market, book, request, plan)

    def cancel(self, *, account: str, symbol: str, order_id: int | None, client_id: str) -> Order:
        with localcontext(EXACT):
            order = self.find_order(
                account=account, symbol=symbol, order_id=order_id, client_id=client_id
            )
            if order is None or not order.is_open:
                raise VenueError.unknown_order_on_cancel()
            self.books[symbol].side_of(order.side).remove(order)
            self._release(order)
            self.updates += 1
            order.status = CANCELED
            order.update_time_ms = self.clock_ms()
            return order

    def find_order(
        self, *, account: str, symbol: str, order_id: int | None, client_id: str
    ) -> Order | None:
        if order_id is None:
            order_id = self._client_ids.get((account, symbol, client_id))
        order = self.orders.get(order_id) if order_id is not None else None
        if order is None or order.account != account or order.symbol != symbol:
            return None
        return order

    def open_orders(self, *, account: str | None, symbol: str | None) -> list[Order]:
        symbols = [symbol] if symbol else list(self.books)
        found = []
        for each in symbols:
            book = self.books[each]
            for side in (book.bids, book.asks):
                found.extend(o for o in side.orders_in_priority() if account in (None, o.account))
        return sorted(found, key=lambda o: o.order_id)

    def depth(self, symbol: str, limit: int) -> tuple[list, list]:
        book = self.books[self.market(symbol).symbol]
        return book.bids.depth(limit), book.asks.depth(limit)

    # -- internals ------------------------------------------------------------------------

    def _validate(self, market: Market, request: OrderRequest) -> None:
        if request.side not in (BUY, SELL):
            raise VenueError.bad_parameter("side")
        if request.type not in (LIMIT, LIMIT_MAKER, MARKET):
            raise VenueError.bad_parameter("type")
        if request.type == MARKET:
            if (request.quantity is None) == (request.quote_order_qty is None):
                raise VenueError.mandatory_parameter("quantity' or 'quoteOrderQty")
            if request.quote_order_qty is not None:
                if request.side != BUY or request.quote_order_qty <= 0:
                    raise VenueError.bad_parameter("quoteOrderQty")
                if request.quote_order_qty < market.min_notional:
                    raise VenueError.filter_failure("NOTIONAL")
        else:
            if request.price is None or request.quantity is None:
                raise VenueError.mandatory_parameter("price' or 'quantity")
            if request.time_in_force not in (GTC, IOC, FOK):
                raise VenueError.bad_parameter("timeInForce")
            price = request.price
            if (
                price < market.min_price
                or price > market.max_price
                or price % market.tick_size != 0
            ):
                raise VenueError.filter_failure("PRICE_FILTER")
        if request.quantity is not None:
            qty = request.quantity
            if qty < market.min_qty or qty > market.max_qty or qty % market.step_size != 0:
                raise VenueError.filter_failure("LOT_SIZE")
            if request.price is not None and request.price * qty < market.min_notional:
                raise VenueError.filter_failure("NOTIONAL")
        if request.client_order_id:
            if not CLIENT_ORDER_ID.fullmatch(request.client_order_id):
                raise VenueError.bad_parameter("newClientOrderId")
            existing = self.find_order(
                account=request.account,
                symbol=market.symbol,
                order_id=None,
                client_id=request.client_order_id,
            )
            if existing is not None and existing.is_open:
                raise VenueError.duplicate_order()

    def _plan(self, market: Market, book: Book, request: OrderRequest) -> _Plan:
        limit = None if request.type == MARKET else request.price
        remaining_qty = request.quantity
        remaining_quote = request.quote_order_qty
        matches: list[tuple[Order, Decimal]] = []
        for resting in book.opposite_of(request.side).orders_in_priority():
            if not _crosses(request.side, limit, resting.price):
                break
            if resting.account == request.account:
                return _Plan(matches, self_trade_stop=True, complete=False)
            if remaining_quote is not None:
                affordable = ROUNDING.divide(remaining_quote, resting.price).quantize(
                    market.step_size, rounding=ROUND_DOWN, context=ROUNDING
                )
                if affordable == 0:  # the budget is spent, to the last step
                    return _Plan(matches, self_trade_stop=False, complete=bool(matches))
                qty = min(resting.remaining, affordable)
                remaining_quote -= resting.price * qty
            else:
                qty = min(resting.remaining, remaining_qty)
                remaining_qty -= qty
            matches.append((resting, qty))
            if remaining_qty == 0:
                return _Plan(matches, self_trade_stop=False, complete=True)
        return _Plan(matches, self_trade_stop=False, complete=False)

    def _check_market_notional(self, market: Market, plan: _Plan) -> None:
        if plan.matches and plan.cost < market.min_notional:
            raise VenueError.filter_failure("NOTIONAL")

    def _required_funds(self, market: Market, request: OrderRequest, plan: _Plan) -> Decimal:
        if request.side == SELL:
            return request.quantity
        if request.type == MARKET:
            return plan.cost
        if request.time_in_force == GTC:
            # Matched at resting prices, the rest locked at the limit price.
            return plan.cost + (request.quantity - plan.qty) * request.price
        return plan.cost

    def _check_funds(self, market: Market, request: OrderRequest, plan: _Plan) -> None:
        asset = market.quote if request.side == BUY else market.base
        if self.balances[request.account][asset].free < self._required_funds(market, request, plan):
            raise VenueError.insufficient_balance()

    def _apply(self, market: Market, book: Book, request: OrderRequest, plan: _Plan) -> Order:
        now = self.clock_ms()
        order_id = next(self._order_ids)
        order = Order(
            order_id=order_id,
            client_order_id=request.client_order_id or f"sim-{order_id}",
            account=request.account,
            symbol=market.symbol,
            side=request.side,
            type=request.type,
            time_in_force=request.time_in_force if request.type != MARKET else GTC,
            price=request.price if request.type != MARKET else ZERO,
            orig_qty=request.quantity if request.quantity is not None else plan.qty,
            orig_quote_qty=request.quote_order_qty or ZERO,
            time_ms=now,
            update_time_ms=now,
        )
        if request.time_in_force == FOK and request.type != MARKET and not plan.complete:
            order.status = EXPIRED
            self._register(order)
            return order
        for resting, qty in plan.matches:
            self._trade(market, book, taker=order, maker=resting, qty=qty, now=now)
        rests = (
            request.type in (LIMIT, LIMIT_MAKER)
            and request.time_in_force == GTC
            and order.remaining > 0
            and not plan.self_trade_stop
        )
        if plan.complete:
            order.status = FILLED
        elif rests:
            order.status = PARTIALLY_FILLED if order.executed_qty > 0 else NEW
            self._lock(market, order)
            book.side_of(order.side).add(order)
        else:
            order.status = EXPIRED
        self._register(order)
        return order

    def _register(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self._client_ids[(order.account, order.symbol, order.client_order_id)] = order.order_id

    def _lock(self, market: Market, order: Order) -> None:
        asset = market.quote if order.side == BUY else market.base
        amount = order.remaining * order.price if order.side == BUY else order.remaining
        balance = self.balances[order.account][asset]
        balance.free -= amount
        balance.locked += amount
        order.locked = amount

    def _release(self, order: Order) -> None:
        market = self.markets[order.symbol]
        asset = market.quote if order.side == BUY else market.base
        balance = self.balances[order.account][asset]
        balance.locked -= order.locked
        balance.free += order.locked
        order.locked = ZERO

    def _trade(
        self, market: Market, book: Book, *, taker: Order, maker: Order, qty: Decimal, now: int
    ) -> None:
        price = maker.price
        quote_qty = price * qty
        buyer, seller = (taker, maker) if taker.side == BUY else (maker, taker)
        buyer_rate = market.maker_fee_rate if buyer is maker else market.taker_fee_rate
        seller_rate = market.maker_fee_rate if seller is maker else market.taker_fee_rate
        buyer_fee = (qty * buyer_rate).quantize(FEE_QUANTUM, ROUND_DOWN, ROUNDING)
        seller_fee = (quote_qty * seller_rate).quantize(FEE_QUANTUM, ROUND_DOWN, ROUNDING)

        buyer_quote = self.balances[buyer.account][market.quote]
        if buyer is maker:
            buyer_quote.locked -= quote_qty
            maker.locked -= quote_qty
        else:
            buyer_quote.free -= quote_qty
        seller_base = self.balances[seller.account][market.base]
        if seller is maker:
            seller_base.locked -= qty
            maker.locked -= qty
        else:
            seller_base.free -= qty
        self.balances[buyer.account][market.base].free += qty - buyer_fee
        self.balances[seller.account][market.quote].free += quote_qty - seller_fee
        self.fees_collected[market.base] += buyer_fee
        self.fees_collected[market.quote] += seller_fee

        trade_id = next(self._trade_ids[market.symbol])
        for order, fee, asset in (
            (buyer, buyer_fee, market.base),
            (seller, seller_fee, market.quote),
        ):
            order.executed_qty += qty
            order.cumulative_quote_qty += quote_qty
            order.update_time_ms = now
            order.fills.append(Fill(trade_id, price, qty, fee, asset))
        maker.status = FILLED if maker.remaining == 0 else PARTIALLY_FILLED
        if maker.remaining == 0:
            book.side_of(maker.side).remove(maker)
        self.trades[market.symbol].append(
            Trade(
                trade_id=trade_id,
                symbol=market.symbol,
                base=market.base,
                quote=market.quote,
                price=price,
                qty=qty,
                time_ms=now,
                buyer_order_id=buyer.order_id,
                seller_order_id=seller.order_id,
                buyer=buyer.account,
                seller=seller.account,
                maker_is_buyer=buyer is maker,
                buyer_commission=buyer_fee,
                seller_commission=seller_fee,
            )
        )

    def client_ids_placed_twice(self) -> list[str]:
        seen: set[tuple[str, str, str]] = set()
        twice = []
        for order in self.orders.values():
            key = (order.account, order.symbol, order.client_order_id)
            if key in seen:
                twice.append(order.client_order_id)
            seen.add(key)
        return twice

    def forget_closed_orders(self, *, account: str) -> None:
        """Drop an account's finished orders (the agents', which nobody looks up again)."""
        closed = [o for o in self.orders.values() if o.account == account and not o.is_open]
        for order in closed:
            del self.orders[order.order_id]
            self._client_ids.pop((order.account, order.symbol, order.client_order_id), None)

    # -- invariants (used by the tests and the state endpoint) ----------------------------

    def holdings(self, asset: str) -> Decimal:
        """Everything the venue holds of an asset: all accounts plus the fees it kept."""
        with localcontext(EXACT):
            total = self.fees_collected.get(asset, ZERO)
            for assets in self.balances.values():
                balance = assets.get(asset)
                if balance is not None:
                    total += balance.free + balance.locked
            return total
