"""The reference price the levels are measured from."""

from decimal import Decimal

from strategy.params import PriceType, StrategyParams
from strategy.types import Book, MarketSnapshot, StrategyState


def reference_price(
    *, snapshot: MarketSnapshot, params: StrategyParams, state: StrategyState
) -> Decimal | None:
    """The price named by price_type on the quoted or the reference market; None if unknown."""
    book = snapshot.book
    if params.reference_market is not None:
        if snapshot.reference_book is None:
            return None
        book = snapshot.reference_book
    price = _price_of(book, params.price_type, state)
    return price if price is not None and price > 0 else None


def _price_of(book: Book, price_type: PriceType, state: StrategyState) -> Decimal | None:
    match price_type:
        case PriceType.BEST_BID:
            return book.best_bid
        case PriceType.BEST_ASK:
            return book.best_ask
        case PriceType.LAST_PRICE:
            return book.last_price
        case PriceType.MICROPRICE:
            return microprice(book)
        case PriceType.LAST_OWN_TRADE_PRICE if state.last_own_trade_price is not None:
            return state.last_own_trade_price
    # mid_price, and last_own_trade_price before our first fill (as Hummingbot does)
    return mid_price(book)


def mid_price(book: Book) -> Decimal | None:
    if book.best_bid is None or book.best_ask is None:
        return None
    return (book.best_bid + book.best_ask) / 2


def microprice(book: Book) -> Decimal | None:
    """Top-of-book price weighted toward the side with less size (the likelier next move)."""
    if not book.bids or not book.asks:
        return None
    (bid, bid_size), (ask, ask_size) = book.bids[0], book.asks[0]
    if bid_size + ask_size <= 0:
        return mid_price(book)
    return (bid * ask_size + ask * bid_size) / (bid_size + ask_size)
