"""Where a tick's time goes, for logs and benchmarks/tick.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass
class TickReport:
    pair_id: int
    orders: int = 0
    created: int = 0
    cancelled: int = 0
    fills: int = 0
    skipped: bool = False
    seconds: float = 0.0
    strategy_seconds: float = 0.0
    gateway_seconds: float = 0.0

    @property
    def database_seconds(self) -> float:
        """Everything that is neither strategy nor gateway: the ORM and the ledger."""
        return max(0.0, self.seconds - self.strategy_seconds - self.gateway_seconds)


class TimedGateway:
    """A gateway whose calls add their time to the tick's report."""

    def __init__(self, inner: Any, report: TickReport) -> None:
        self._inner = inner
        self._report = report

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._report.gateway_seconds += time.perf_counter() - started

        return timed
