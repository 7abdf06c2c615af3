"""The venue's time. The running simulator follows the wall clock; a test gives its venue a
SkippableClock and skips a deposit or withdrawal delay instead of sleeping through it."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...


class WallClock:
    def now_ms(self) -> int:
        return int(time.time() * 1000)


class SkippableClock(WallClock):
    """The wall clock plus the time skipped so far: it still runs on its own (the product
    compares venue times with its own), and a skip makes what was due by then due now."""

    def __init__(self) -> None:
        self.skipped_ms = 0

    def now_ms(self) -> int:
        return super().now_ms() + self.skipped_ms

    def skip(self, *, ms: int) -> None:
        if ms < 0:
            raise ValueError("time only moves forward")
        self.skipped_ms += ms
