"""Random faults for chaos runs, shared by the simulators: once switched on, a share of the
API calls (never the /_sim/ control API) misbehave the way real services do.

    POST /_sim/chaos {"rate": 0.1, "seed": 7, "kinds": ["timeout", ...], "delay_ms": 200}

`rate` 0 switches it off. The kinds:

    timeout      the call takes effect, and the answer never arrives: the connection
                 closes after delay_ms (the in-doubt case a client must look up again)
    http_500     a 5xx before anything happens
    rate_limit   a 429 before anything happens
    disconnect   the connection drops before the call is read through

Each simulator turns a draw into its own fault (simulators/venue/faults.py,
simulators/mixin/records.py); how many of each were injected is in GET /_sim/state.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

CHAOS_KINDS = ("timeout", "http_500", "rate_limit", "disconnect")


class Chaos:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random()
        self.rate = 0.0
        self.kinds: tuple[str, ...] = CHAOS_KINDS
        self.delay_ms = 200
        self.injected: Counter[str] = Counter()
        self.calls = 0

    def configure(self, body: dict) -> dict[str, object]:
        """Switch on (or off, with rate 0); raises ValueError on a bad setting."""
        rate = float(body.get("rate", 0))
        kinds = tuple(body.get("kinds") or CHAOS_KINDS)
        delay_ms = int(body.get("delay_ms", 200))
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        if unknown := set(kinds) - set(CHAOS_KINDS):
            raise ValueError(f"unknown chaos kinds {sorted(unknown)}; known: {CHAOS_KINDS}")
        if delay_ms < 0:
            raise ValueError("delay_ms must not be negative")
        with self._lock:
            self.rate, self.kinds, self.delay_ms = rate, kinds, delay_ms
            if "seed" in body:
                self._random.seed(int(body["seed"]))
        return self.snapshot()

    def draw(self) -> str | None:
        """The fault this API call suffers, or None."""
        with self._lock:
            if self.rate <= 0:
                return None
            self.calls += 1
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "rate": self.rate,
                "kinds": list(self.kinds),
                "delay_ms": self.delay_ms,
                "calls": self.calls,
                "injected": dict(self.injected),
            }
