"""What the order page draws: the order's quotes and fills on the exchange, the chart's
series, and the result of an exited order read from the ledger.

Reads only; the API serves them (orders/api_pages.py) with declared schemas.
"""

from collections import defaultdict
from decimal import Decimal
from uuid import UUID

from django.db.models import Q

from core.money import decimal_text
from executor.selectors import order_fills, order_quotes, order_quotes_resting
from ledger.models import Account, Entry, Transaction
from ledger.selectors import exact_sums, order_balances
from orders.models import MarketMakingOrder, Payout
from wallet.models import MixinSnapshot, MixinTransfer

# Mixin's public page of a snapshot (the pay links' host); the demo's simulated snapshots
# are not there, their ids are still shown.
MIXIN_SNAPSHOT_URL = "https://mixin.one/snapshots/{snapshot_id}"
# Mixin amounts carry 8 decimal places; the pages show wallet amounts to that precision.
MIXIN_PLACES = 8
SERIES_QUOTES = 500
FILLS_SHOWN = 100
FILLS_PER_PAGE = 25


def order_assets(*, order: MarketMakingOrder) -> dict[str, dict]:
    """The order's two assets by id, with what the pages show instead of the id."""
    pair = order.pair
    return {
        str(pair.base_asset_id): {"symbol": pair.base_symbol, "places": MIXIN_PLACES},
        str(pair.quote_asset_id): {"symbol": pair.quote_symbol, "places": MIXIN_PLACES},
    }


def _quote_row(quote) -> dict:
    return {
        "side": quote.side,
        "level": quote.level,
        "price": decimal_text(quote.price),
        "amount": decimal_text(quote.amount),
        "filled": decimal_text(quote.filled_amount),
        "status": quote.status,
        "placed_at": quote.created_at.isoformat(),
    }


def order_activity(*, order: MarketMakingOrder, fills_page: int = 1) -> dict:
    """Open quotes now, a page of the fills with the exchange's trade ids (newest first),
    and a series of our best bid and ask as placed, their midpoint, and the latest fills.

    The order page draws the market's mid, spread, depth and inventory from the metric
    snapshots (reports.series); this series is what the placements alone tell."""
    pair = order.pair
    quotes = list(reversed(order_quotes(order_id=order.pk, limit=SERIES_QUOTES)))
    fills = order_fills(order_id=order.pk, limit=FILLS_SHOWN)
    # The fills table's page: FILLS_PER_PAGE a page, newest first (one more read tells
    # whether an older page exists).
    skip = (fills_page - 1) * FILLS_PER_PAGE
    page = order_fills(order_id=order.pk, limit=FILLS_PER_PAGE + 1, offset=skip)
    return {
        "pair": {
            "symbol": pair.symbol,
            "base_symbol": pair.base_symbol,
            "quote_symbol": pair.quote_symbol,
            "price_precision": pair.price_precision,
            "amount_precision": pair.amount_precision,
        },
        "open_quotes": [_quote_row(q) for q in order_quotes_resting(order_id=order.pk)],
        "fills": [
            {
                "trade_id": f.trade_id,
                "side": f.side,
                "price": decimal_text(f.price),
                "amount": decimal_text(f.amount),
                "fee": decimal_text(f.fee),
                "fee_asset": f.fee_asset,
                "is_maker": f.is_maker,
                "traded_at": f.traded_at.isoformat(),
            }
            for f in page[:FILLS_PER_PAGE]
        ],
        "fills_page": {"page": fills_page, "has_more": len(page) > FILLS_PER_PAGE},
        "series": _quote_series(quotes, fills),
    }


def _quote_series(quotes: list, fills: list) -> dict:
    """Points in time (seconds) with the best bid and ask our placements set at each time
    and their midpoint; the fills as their own points."""
    best: dict[float, dict[str, Decimal]] = defaultdict(dict)
    for quote in quotes:
        at = round(quote.created_at.timestamp(), 3)
        side = quote.side
        current = best[at].get(side)
        if current is None or (quote.price > current if side == "buy" else quote.price < current):
            best[at][side] = quote.price
    times = sorted(best)
    bids = [best[t].get("buy") for t in times]
    asks = [best[t].get("sell") for t in times]
    mids = [
        None if b is None or a is None else (b + a) / 2 for b, a in zip(bids, asks, strict=True)
    ]
    return {
        "time": times,
        "bid": [_text(v) for v in bids],
        "ask": [_text(v) for v in asks],
        "mid": [_text(v) for v in mids],
        "fills": [
            {
                "time": round(f.traded_at.timestamp(), 3),
                "side": f.side,
                "price": decimal_text(f.price),
            }
            for f in reversed(fills)
        ],
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def order_result(*, order: MarketMakingOrder) -> dict:
    """Per asset: what was paid in, what was paid back, the fees, and what trading changed,
    summed from the ledger's entries on the order's accounts (reversals included)."""
    on_order = Entry.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER, account__owner_id=str(order.pk)
    )
    codes = Transaction.Code

    def by_code(*wanted: str) -> dict[UUID, Decimal]:
        rows = on_order.filter(
            Q(transaction__code__in=wanted)
            | Q(transaction__code=codes.REVERSAL, transaction__reverses__code__in=wanted)
        )
        return {asset: total for (asset,), total in exact_sums(rows, "asset").items()}

    paid_in = by_code(codes.PAYMENT_CREDIT)
    paid_back = by_code(codes.PAYOUT, codes.REFUND)
    service_fee = by_code(codes.FEE)
    balances = order_balances(order_id=order.pk)
    zero = Decimal(0)
    assets = order_assets(order=order)
    rows = []
    for asset_id in assets:
        asset = UUID(asset_id)
        held = balances.get(asset)
        rows.append(
            {
                "asset_id": asset_id,
                "paid_in": decimal_text(paid_in.get(asset, zero)),
                "paid_back": decimal_text(-paid_back.get(asset, zero)),
                "service_fee": decimal_text(-service_fee.get(asset, zero)),
                "network_and_trading_fees": decimal_text(held.fees_paid if held else zero),
                "trading_change": decimal_text(held.realized_change if held else zero),
            }
        )
    return {"assets": rows, "payouts": _payout_receipts(order)}


def _payout_receipts(order: MarketMakingOrder) -> list[dict]:
    """Each payout with the Mixin transfer that carried it (request id, kernel transaction
    hash) and, once payment intake has seen it, the snapshot it made and its link."""
    payouts = list(order.payouts.all())
    transfers = {
        t.idempotency_key: t
        for t in MixinTransfer.objects.filter(
            idempotency_key__in=[p.idempotency_key for p in payouts]
        )
    }
    snapshots = dict(
        MixinSnapshot.objects.filter(
            direction=MixinSnapshot.Direction.OUTGOING,
            request_id__in=[str(t.request_id) for t in transfers.values()],
        ).values_list("request_id", "snapshot_id")
    )
    receipts = []
    for payout in payouts:
        transfer = transfers.get(payout.idempotency_key)
        snapshot_id = snapshots.get(str(transfer.request_id)) if transfer else None
        receipts.append(
            {
                "kind": payout.kind,
                "asset_id": str(payout.asset_id),
                "amount": decimal_text(payout.amount),
                "status": payout.status,
                "sent_at": payout.sent_at.isoformat() if payout.sent_at else None,
                "request_id": str(transfer.request_id) if transfer else None,
                "kernel_hash": transfer.kernel_hash if transfer else "",
                "snapshot_id": str(snapshot_id) if snapshot_id else None,
                "snapshot_url": MIXIN_SNAPSHOT_URL.format(snapshot_id=snapshot_id)
                if snapshot_id
                else None,
                "is_refund": payout.kind == Payout.Kind.REFUND,
            }
        )
    return receipts
