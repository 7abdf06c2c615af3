import pytest

from tests.orders.loop.harness import world  # noqa: F401 - fixture


@pytest.fixture
def jobs_sent(monkeypatch) -> list[tuple[str, dict]]:
    """The jobs the product enqueues, by registered name and kwargs, instead of the broker."""
    from mrmarket.celery import app as celery_app

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=None, kwargs=None, **_: sent.append((name, kwargs)),
    )
    return sent
