"""Faults injected on demand: the next `count` requests to a path and method misbehave."""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = frozenset(
    {"timeout", "http_500", "rate_limit", "maintenance", "reject", "delay", "disconnect"}
)


@dataclass
class Fault:
    path: str
    method: str
    kind: str
    count: int
    delay_ms: int
    code: int = -2010
    msg: str = "New order rejected."

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "method": self.method,
            "kind": self.kind,
            "count": self.count,
            "delay_ms": self.delay_ms,
        }


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"kind must be one of {sorted(KINDS)}")
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, *, path: str, method: str) -> Fault | None:
        """The first fault armed for this request, counted down by one."""
        with self._lock:
            for fault in self._faults:
                if fault.path == path and fault.method in (method, "*"):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def snapshot(self) -> list[dict[str, object]]:
        with self._lock:
            return [fault.to_json() for fault in self._faults]
