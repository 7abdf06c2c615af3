"""exit_mm meets a market a tick is holding: it tries again in a fraction of a second, not
after the general backoff (which once made exits take 4–5 s on the embedded default)."""

import pytest

from executor.services import MarketBusy
from orders import tasks
from orders.services import exit as exit_service


class Retried(Exception):
    pass


def test_exit_retries_a_busy_market_at_once(monkeypatch):
    def busy(**_kwargs):
        raise MarketBusy("a tick holds the market")

    asked = {}

    def retry(**kwargs):
        asked.update(kwargs)
        return Retried()

    monkeypatch.setattr(exit_service, "exit_advance", busy)
    monkeypatch.setattr(tasks.exit_mm, "retry", retry)

    with pytest.raises(Retried):
        tasks.exit_mm.run(order_id="00000000-0000-0000-0000-000000000001", trace_id="t")

    assert isinstance(asked["exc"], MarketBusy)
    assert asked["countdown"] <= 0.5
    assert asked["max_retries"] >= 10  # a busy market is never a reason to give up early
