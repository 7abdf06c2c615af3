import pytest

from executor import tasks
from tests.exchanges.venue_fixtures import (  # noqa: F401 - fixtures
    venue_clock,
    venue_control,
    venue_trader,
    venue_url,
)


@pytest.fixture
def cancels(monkeypatch):
    """The cancel tasks enqueued on commit (run by a worker in production)."""
    sent = []
    monkeypatch.setattr(tasks.quotes_cancel, "delay", lambda **kwargs: sent.append(kwargs))
    return sent
