"""A tick's reads of the market: the book and trading rules through the first API key that
can read them, and the books of the reference markets the orders follow."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from core.errors import ExternalServiceError
from exchanges import gateway as venue
from exchanges.models import Exchange, TradingPair
from executor.timing import TickReport, timed_gateway
from strategy import Book, StrategyParams

logger = logging.getLogger(__name__)

GatewayFor = Callable[[int], venue.ExchangeGateway]
ReferenceBooks = dict[tuple[str, str], Book | None]


def market_rules_read(
    gateways: Iterable[venue.ExchangeGateway], pair: TradingPair
) -> venue.MarketInfo | None:
    for gateway in gateways:
        try:
            return gateway.market(pair.symbol)
        except ExternalServiceError as error:
            logger.warning("market rules unreadable", extra={"error": str(error)})
    return None


def book_read(gateways: Iterable[venue.ExchangeGateway], pair: TradingPair) -> Book | None:
    """The market's book through the first key that can read it; None unless two-sided."""
    for gateway in gateways:
        try:
            return _two_sided(gateway.order_book(symbol=pair.symbol))
        except ExternalServiceError as error:
            logger.warning("order book read failed", extra={"error": str(error)})
    return None


def reference_books_read(
    params: Iterable[StrategyParams], gateway_for: GatewayFor, report: TickReport
) -> ReferenceBooks:
    """The books of the reference markets the orders follow, read once each."""
    books: ReferenceBooks = {}
    for order_params in params:
        reference = order_params.reference_market
        if reference is None or (reference.exchange, reference.symbol) in books:
            continue
        books[(reference.exchange, reference.symbol)] = None
        key = (
            Exchange.objects.filter(name=reference.exchange, enabled=True)
            .values_list("api_keys__id", flat=True)
            .first()
        )
        if key is None:
            continue
        try:
            raw = timed_gateway(gateway_for(key), report).order_book(symbol=reference.symbol)
        except ExternalServiceError:
            continue
        books[(reference.exchange, reference.symbol)] = _two_sided(raw)
    return books


def _two_sided(raw: venue.OrderBook) -> Book | None:
    if not raw.bids or not raw.asks:
        return None
    return Book(
        bids=tuple((level.price, level.amount) for level in raw.bids),
        asks=tuple((level.price, level.amount) for level in raw.asks),
    )
