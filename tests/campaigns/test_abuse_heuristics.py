"""Abuse heuristics: scripted abusive scenarios traded on the venue simulator are flagged
and their volume excluded; an honest market maker's quoting and fills are not flagged.
Thresholds are campaigns.rewards.abuse.THRESHOLDS (docs/campaigns.md)."""

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from campaigns.rewards.abuse import THRESHOLDS, flags_detect
from campaigns.rewards.manifest import outputs_compute
from simulators.venue.control import SimulatorControl
from tests.campaigns.conftest import PAIR
from tests.exchanges.venue_fixtures import binance_client


def _dec(value: object) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


class Trader:
    """One venue account, remembering what it placed so its quotes can be read back."""

    def __init__(self, url: str, name: str) -> None:
        control = SimulatorControl(url)
        account = control.account_create(label=name, permissions=["read", "trade"])
        control.credit(api_key=account["api_key"], asset="XIN", amount="1000")
        control.credit(api_key=account["api_key"], asset="USDT", amount="100000")
        self.name = name
        self.client = binance_client(url, account["api_key"], account["secret"])
        self.placed: list[str] = []

    def limit(self, side: str, amount: str, price: str) -> str:
        order = self.client.create_order(PAIR, "limit", side, float(amount), float(price))
        self.placed.append(order["id"])
        return order["id"]

    def market(self, side: str, amount: str) -> None:
        self.client.create_order(PAIR, "market", side, float(amount))

    def cancel(self, order_id: str) -> None:
        self.client.cancel_order(order_id, PAIR)

    def fills(self) -> list[dict]:
        """Our fills as the product holds them: read from the exchange with our key."""
        return [
            {
                "trade_id": str(t["id"]),
                "order_id": f"{self.name}:{t['order']}",
                "user_id": self.name,
                "account": self.name,
                "side": t["side"],
                "is_maker": t["takerOrMaker"] == "maker",
                "price": _dec(t["price"]),
                "amount": _dec(t["amount"]),
                "traded_at": _iso(t["timestamp"]),
            }
            for t in self.client.fetch_my_trades(PAIR)
        ]

    def quotes(self) -> list[dict]:
        quotes = []
        for order_id in self.placed:
            o = self.client.fetch_order(order_id, PAIR)
            status = {"canceled": "cancelled", "closed": "filled"}.get(o["status"], "open")
            quotes.append(
                {
                    "quote_id": f"{self.name}:{order_id}",
                    "account": self.name,
                    "side": o["side"],
                    "price": _dec(o["price"]),
                    "amount": _dec(o["amount"]),
                    "filled": _dec(o["filled"]),
                    "status": status,
                    "placed_at": _iso(o["timestamp"]),
                    "ended_at": _iso(o["lastUpdateTimestamp"]) if status != "open" else None,
                }
            )
        return quotes


@pytest.fixture
def traders(venue):
    def make(*names: str) -> list[Trader]:
        return [Trader(venue[1], name) for name in names]

    return make


def detect(fills: list[dict], quotes: list[dict]) -> list[dict]:
    return flags_detect(fills=fills, quotes=quotes, thresholds=THRESHOLDS)


def test_two_of_our_accounts_trading_with_each_other(traders):
    a, b = traders("a", "b")
    a.limit("sell", "3", "100")
    b.market("buy", "3")
    (flag,) = detect(a.fills() + b.fills(), a.quotes() + b.quotes())
    assert flag["rule"] == "two_account_volume"
    assert flag["trade_ids"] == [a.fills()[0]["trade_id"]]  # the same trade, seen from both


def test_a_wash_round_trip_through_someone_elses_book(traders):
    ours, other = traders("ours", "other")
    other.limit("buy", "2", "99.99")
    other.limit("sell", "2", "100.01")
    ours.market("buy", "2")
    ours.market("sell", "2")  # bought and sold back within seconds, 2 bps apart
    (flag,) = detect(ours.fills(), ours.quotes())
    assert flag["rule"] == "wash_round_trip"
    assert len(flag["trade_ids"]) == 2
    assert {f["side"] for f in flag["facts"]["fills"]} == {"buy", "sell"}


def test_a_spoofed_bid_while_our_ask_is_taken(traders):
    ours, other = traders("ours", "other")
    for price in ("99.5", "99.6"):
        ours.limit("buy", "1", price)  # the account's usual size: 1
    ours.limit("sell", "1", "100.1")
    spoof = ours.limit("buy", "40", "100.0")  # 40 × the usual size, just under our ask
    other.market("buy", "1")  # someone lifts our ask while the big bid stands
    ours.cancel(spoof)
    flags = detect(ours.fills(), ours.quotes())
    assert [f["rule"] for f in flags] == ["spoof_cancel"]
    assert flags[0]["trade_ids"] == [ours.fills()[0]["trade_id"]]
    assert flags[0]["facts"]["quote"]["amount"] == "40"


def test_layered_bids_withdrawn_together(traders):
    ours, other = traders("ours", "other")
    layered = [ours.limit("buy", "2", p) for p in ("99.0", "99.1", "99.2", "99.3")]
    ours.limit("sell", "1", "100.5")
    other.market("buy", "1")
    for order_id in layered:
        ours.cancel(order_id)
    flags = detect(ours.fills(), ours.quotes())
    assert [f["rule"] for f in flags] == ["layering"]
    assert flags[0]["facts"]["layered_amount"] == "8"
    assert flags[0]["trade_ids"] == [ours.fills()[0]["trade_id"]]


def test_an_honest_market_maker_is_not_flagged(traders):
    """Three levels a side, refreshed (all cancelled together and placed again) a few
    times, others trading against both sides: maker fills only, symmetric books."""
    ours, other = traders("ours", "other")
    for mid in ("100", "100.2", "99.9"):
        placed = []
        for step in ("0.1", "0.2", "0.3"):
            placed.append(ours.limit("buy", "1", str(Decimal(mid) - Decimal(step))))
            placed.append(ours.limit("sell", "1", str(Decimal(mid) + Decimal(step))))
        other.market("buy", "1")
        other.market("sell", "1")
        time.sleep(0.05)
        for order_id in placed:
            order = ours.client.fetch_order(order_id, PAIR)
            if order["status"] == "open":
                ours.cancel(order_id)
    fills, quotes = ours.fills(), ours.quotes()
    assert len(fills) == 6 and all(f["is_maker"] for f in fills)
    assert detect(fills, quotes) == []


def test_flagged_volume_is_left_out_of_the_allocation():
    fill = {"user_id": "u", "account": "1", "price": "100", "amount": "1"}
    fills = [
        {
            **fill,
            "trade_id": "1",
            "order_id": "a",
            "side": "buy",
            "is_maker": False,
            "traded_at": "2026-06-01T00:00:00+00:00",
        },
        {
            **fill,
            "trade_id": "2",
            "order_id": "a",
            "side": "sell",
            "is_maker": False,
            "traded_at": "2026-06-01T00:00:30+00:00",
        },
        {
            **fill,
            "trade_id": "3",
            "order_id": "b",
            "side": "sell",
            "is_maker": True,
            "traded_at": "2026-06-01T01:00:00+00:00",
        },
    ]
    outputs = outputs_compute(
        {
            "reward": {"amount": "10", "decimals": 6},
            "fee_bps": 0,
            "fills": fills,
            "quotes": [],
            "abuse_thresholds": THRESHOLDS,
        }
    )
    assert outputs["excluded_trade_ids"] == ["1", "2"]
    assert [f["rule"] for f in outputs["flags"]] == ["wash_round_trip"]
    assert outputs["allocations"] == [
        {"order_id": "b", "user_id": "u", "score": "100", "amount": "10"}
    ]
