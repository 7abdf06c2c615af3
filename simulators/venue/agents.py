"""Background market participants for one symbol.

Each round the mid price takes a random-walk step; a maker account replaces its ladder
of resting orders around the new mid, and a taker account, with some probability, sends an
IOC order that sweeps the best price on one side. Product quotes inside the makers'
spread are therefore first in line for the takers, and quotes the mid walks through are
crossed by the makers' new ladder: they really fill.

The random draws are floats by nature; each is turned into a Decimal with six places
before it touches a price or a quantity. One `random.Random` per symbol, seeded from the
venue seed and the symbol, makes a paused-and-stepped market replay exactly.
"""

from __future__ import annotations

import random
import zlib
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from simulators.venue.engine import (
    BUY,
    GTC,
    IOC,
    LIMIT,
    ROUNDING,
    SELL,
    Engine,
    Market,
    OrderRequest,
)
from simulators.venue.errors import VenueError

LEVELS = 5
TAKER_PROBABILITY = 0.5
FUNDING_UNITS = Decimal(1_000_000)  # in units of the smallest order's notional


def _draw(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class MarketAgents:
    def __init__(
        self, *, engine: Engine, market: Market, mid: Decimal, volatility: Decimal, seed: int
    ) -> None:
        self.engine = engine
        self.market = market
        self.mid = mid
        self.volatility = volatility
        self.paused = False
        self.rounds = 0
        self.rng = random.Random(seed * 1_000_003 + zlib.crc32(market.symbol.encode()))
        self.maker = f"agent-maker-{market.symbol}"
        self.taker = f"agent-taker-{market.symbol}"

    def _min_qty(self, price: Decimal) -> Decimal:
        needed = ROUNDING.divide(self.market.min_notional, price)
        qty = max(self.market.min_qty, needed).quantize(
            self.market.step_size, ROUND_CEILING, ROUNDING
        )
        return max(qty, self.market.step_size)

    def _price(self, value: Decimal) -> Decimal:
        tick = self.market.tick_size
        return max(value.quantize(tick, ROUND_DOWN, ROUNDING), tick)

    def _keep_funded(self) -> None:
        base_needed = self._min_qty(self.mid) * FUNDING_UNITS / 1000
        quote_needed = base_needed * self.mid
        for account in (self.maker, self.taker):
            for asset, needed in (
                (self.market.base, base_needed),
                (self.market.quote, quote_needed),
            ):
                have = self.engine.balance_of(account, asset).free
                if have < needed:
                    self.engine.credit(account=account, asset=asset, amount=needed * 10 - have)

    def step(self) -> None:
        """One round: walk the mid, replace the maker ladder, maybe take."""
        self.rounds += 1
        move = _draw(self.rng.gauss(0.0, 1.0)) * self.volatility
        self.mid = max(self._price(self.mid * (1 + move)), self.market.tick_size * 10)
        self._keep_funded()
        for order in self.engine.open_orders(account=self.maker, symbol=self.market.symbol):
            self.engine.cancel(
                account=self.maker, symbol=self.market.symbol, order_id=order.order_id, client_id=""
            )
        half_spread = max(self.mid * Decimal("0.001"), self.market.tick_size)
        for level in range(LEVELS):
            offset = half_spread * (1 + level)
            for side, price in ((BUY, self.mid - offset), (SELL, self.mid + offset)):
                price = self._price(price)
                size = self._min_qty(price) * self.rng.randint(1, 8)
                self._submit(self.maker, side, price, size, GTC)
        if self.rng.random() < TAKER_PROBABILITY:
            self._take()
        for account in (self.maker, self.taker):
            self.engine.forget_closed_orders(account=account)

    def _take(self) -> None:
        side = BUY if self.rng.random() < 0.5 else SELL
        bids, asks = self.engine.depth(self.market.symbol, 1)
        best = (asks if side == BUY else bids) or None
        if best is None:
            return
        price, available = best[0]
        size = min(available, self._min_qty(price) * self.rng.randint(1, 4))
        self._submit(self.taker, side, price, size, IOC)

    def _submit(self, account: str, side: str, price: Decimal, qty: Decimal, tif: str) -> None:
        if qty <= 0:
            return
        try:
            self.engine.submit(
                OrderRequest(
                    account=account,
                    symbol=self.market.symbol,
                    side=side,
                    type=LIMIT,
                    quantity=qty,
                    price=price,
                    time_in_force=tif,
                )
            )
        except VenueError:
            # A level that falls outside the filters (a mid near the price bounds) is skipped.
            return

    def to_json(self) -> dict[str, object]:
        return {
            "mid": str(self.mid),
            "volatility": str(self.volatility),
            "paused": self.paused,
            "rounds": self.rounds,
        }
