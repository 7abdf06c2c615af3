import pytest

from tests.exchanges.venue_fixtures import (  # noqa: F401 - fixtures
    venue_clock,
    venue_control,
    venue_trader,
    venue_url,
)
from tests.orders.loop.harness import world  # noqa: F401 - the simulators and workers' world


@pytest.fixture
def sent_tasks(monkeypatch):
    """Tasks sent by name (the proof build enqueued by the switch), kept instead of sent."""
    from mrmarket.celery import app as celery_app

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=None, kwargs=None, **_: sent.append((name, kwargs)),
    )
    return sent
