"""Order creation with an Idempotency-Key: a repeat returns the same order, the key with
another request is a 422 naming it, and 20 identical creates at once make one order."""

import threading
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from orders.models import MarketMakingOrder, OrderCreateRequest
from tests.conftest import requires_postgres
from tests.orders.loop.harness import USDT, XIN

BODY = {
    "strategy": {"preset": "stable-depth", "overrides": {"order_amount": "0.1"}},
    "base_amount": "1",
    "quote_amount": "100",
}


def create(user, pair_id, *, key=None, **changes):
    client = APIClient()
    client.force_authenticate(user)
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(
        "/api/v1/market-making/orders/",
        {**BODY, "pair_id": pair_id, **changes},
        format="json",
        headers=headers,
    )


@pytest.fixture
def creator(world, django_user_model):
    return world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})


@pytest.mark.django_db
def test_a_repeat_with_the_same_key_returns_the_same_order(world, creator):
    first = create(creator, world.pair.pk, key="create-1")
    again = create(creator, world.pair.pk, key="create-1")
    assert first.status_code == again.status_code == 201, again.content
    assert first.json() == again.json()
    assert MarketMakingOrder.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_a_422_naming_the_key(world, creator):
    first = create(creator, world.pair.pk, key="create-2")
    other = create(creator, world.pair.pk, key="create-2", quote_amount="200")
    assert other.status_code == 422, other.content
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "create-2" in error["message"]
    assert error["detail"] == {"Idempotency-Key": "create-2", "order": first.json()["id"]}
    assert MarketMakingOrder.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_each_create_is_an_order_and_keys_are_per_user(
    world, creator, django_user_model
):
    assert create(creator, world.pair.pk).status_code == 201
    assert create(creator, world.pair.pk).status_code == 201
    someone = world.mixin_user(django_user_model, name="Someone", **{XIN: "10", USDT: "1000"})
    assert create(creator, world.pair.pk, key="shared").status_code == 201
    assert create(someone, world.pair.pk, key="shared").status_code == 201
    assert MarketMakingOrder.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "k" * 101])
def test_a_malformed_key_is_a_400(world, creator, key):
    response = create(creator, world.pair.pk, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["detail"]
    assert not MarketMakingOrder.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_creates_at_once_make_one_order(world, creator):
    key = f"burst-{uuid.uuid4()}"
    start = threading.Barrier(20)
    answers: list = []
    errors: list = []

    def send() -> None:
        try:
            start.wait(timeout=30)
            answers.append(create(creator, world.pair.pk, key=key))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert [a.status_code for a in answers] == [201] * 20, [a.content for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert MarketMakingOrder.objects.count() == 1
    assert OrderCreateRequest.objects.get().order_id == uuid.UUID(answers[0].json()["id"])
