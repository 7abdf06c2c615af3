"""Reads from the exchanges: public market data, through the venue port."""

from dataclasses import dataclass

from exchanges.gateway import MarketInfo, OrderBook, Ticker, public_gateway_for_exchange
from exchanges.models import TradingPair


@dataclass(frozen=True)
class PairMarket:
    """A pair's trading rules, book and last trade, read together."""

    rules: MarketInfo
    book: OrderBook
    ticker: Ticker


def pair_market_read(*, pair: TradingPair, depth: int, timeout_ms: int) -> PairMarket:
    """Public market data only: the gateway carries no key, so the read touches no account."""
    gateway = public_gateway_for_exchange(exchange=pair.exchange, timeout_ms=timeout_ms)
    return PairMarket(
        rules=gateway.market(pair.symbol),
        book=gateway.order_book(symbol=pair.symbol, depth=depth),
        ticker=gateway.ticker(symbol=pair.symbol),
    )
