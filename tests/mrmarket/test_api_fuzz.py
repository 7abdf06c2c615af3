"""Schemathesis over /api/schema/: every operation, as a user and as an admin, with
generated input. No answer is a server error, and every answer conforms to the schema
(its status code is declared, its body has the declared shape).

Bounded for `make test`: FUZZ_MAX_EXAMPLES per operation and caller (default 25).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.orders.factories import MarketMakingOrderFactory
from tests.orders.loop.harness import world  # noqa: F401 - fixture
from wallet.auth import api_token_issue

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read from /api/schema/ as any client would; serving it touches no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def requests_keep_the_test_transaction():
    """Requests go through Django's WSGI handler in this thread; like Django's test client,
    keep its end-of-request hook from closing the test's open database transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world_rows(world, django_user_model):  # noqa: F811 - the fixture imported above
    """What the generated requests meet: the venue and Mixin simulators with the product
    configured against them (a validated key, a pair: creation really quotes), a Mixin
    user with an order, and an admin."""
    user = world.mixin_user(django_user_model, name="Fuzz")
    MarketMakingOrderFactory(user=user, pair=world.pair, api_key=world.api_key)
    admin = django_user_model.objects.create_superuser(username="fuzz-admin", password="x" * 20)
    return {
        "user": api_token_issue(user=user),
        "admin": api_token_issue(user=admin),
    }


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_a_user_within_its_schema(case, world_rows):
    case.call_and_validate(headers={"Authorization": f"Token {world_rows['user']}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_an_admin_within_its_schema(case, world_rows):
    case.call_and_validate(headers={"Authorization": f"Token {world_rows['admin']}"}, checks=CHECKS)
