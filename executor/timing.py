"""Where a tick's time goes, for logs and benchmarks/tick.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, cast

from exchanges.gateway import ExchangeGateway


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
    # Gateway calls that raised. The tick handles each, but such a tick does not keep its
    # rows for the next one (executor.working_set): it reads them again.
    gateway_errors: int = 0

    @property
    def database_seconds(self) -> float:
        """Everything that is neither strategy nor gateway: the ORM and the ledger."""
        return max(0.0, self.seconds - self.strategy_seconds - self.gateway_seconds)


def timed_gateway(inner: ExchangeGateway, report: TickReport) -> ExchangeGateway:
    """`inner`, with the time of each call added to the tick's report."""
    # The proxy forwards every attribute, so it answers the port's whole Protocol.
    return cast(ExchangeGateway, _TimedGateway(inner, report))


class _TimedGateway:
    def __init__(self, inner: ExchangeGateway, report: TickReport) -> None:
        self._inner = inner
        self._report = report

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            except Exception:
                self._report.gateway_errors += 1
                raise
            finally:
                self._report.gateway_seconds += time.perf_counter() - started

        return timed
