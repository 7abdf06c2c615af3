import os

import pytest
from django.conf import settings
from django.db import connection

from tests.demo_world import demo_world  # noqa: F401 - the demo's simulators, for any app

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REDIS = settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))

requires_postgres = pytest.mark.skipif(
    not POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)"
)
requires_redis = pytest.mark.skipif(
    not REDIS, reason="needs a Redis broker: set CELERY_BROKER_URL=redis://... (CI does)"
)


@pytest.fixture(autouse=True)
def _log_field_lookups_forgotten():
    """core.context keeps what its resolvers found for the process; ids repeat between
    tests whose rows were rolled back (SQLite), so each test starts without it."""
    from core import context

    context.resolver_cache_clear()


@pytest.fixture
def admin_client_user(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="root", email="", password="correct horse battery"
    )


@pytest.fixture
def api_admin(admin_client_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin_client_user)
    return client


def database_env_for_subprocess() -> dict[str, str]:
    """Environment for a child process (a real Celery worker) sharing the test database."""
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return env


@pytest.fixture
def presets_seeded(db) -> None:
    """The strategy presets as their data migration writes them: a transactional test's
    flush empties every table, the migrations' rows included."""
    import importlib

    from django.apps import apps

    importlib.import_module("orders.migrations.0001_initial").seed_presets(apps, None)


@pytest.fixture
def sent_tasks(monkeypatch) -> list[tuple[str, dict]]:
    """The tasks the product sends by name (the funds loop's jobs, the wallet's hand-overs,
    the proof builds), by registered name and kwargs, kept instead of sent to a broker."""
    from mrmarket.celery import app as celery_app

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=None, kwargs=None, **_: sent.append((name, kwargs)),
    )
    return sent
