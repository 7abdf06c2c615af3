"""Bad order input gets a field-level error and writes nothing."""

import pytest
from rest_framework.test import APIClient

from orders.models import MarketMakingOrder
from tests.orders.loop.harness import USDT, XIN

pytestmark = pytest.mark.django_db


def post(user, **overrides):
    body = {
        "pair_id": overrides.pop("pair_id", None),
        "strategy": {"preset": "stable-depth", "overrides": {"order_amount": "0.1"}},
        "base_amount": "1",
        "quote_amount": "100",
    }
    body.update(overrides)
    client = APIClient()
    client.force_authenticate(user)
    return client.post("/api/v1/market-making/orders/", body, format="json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base_amount": "1.0001"}, "base_amount"),  # the pair takes 3 places
        ({"quote_amount": "0.000000001"}, "quote_amount"),  # Mixin moves 8 places
        ({"base_amount": "0.01"}, "base_amount"),  # below the pair's minimum
        ({"base_amount": "-1"}, "base_amount"),
        ({"base_amount": "0", "quote_amount": "0"}, "base_amount"),
        ({"base_amount": "lots"}, "base_amount"),
        ({"strategy": {"preset": "no-such-preset", "overrides": {}}}, "preset"),
        (
            {"strategy": {"preset": "stable-depth", "overrides": {"order_amount": "-1"}}},
            "order_amount",
        ),
        ({"pair_id": 999999}, "pair_id"),
    ],
)
def test_bad_input_names_the_field(world, django_user_model, change, field):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    change.setdefault("pair_id", world.pair.pk)
    response = post(user, **change)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["detail"], response.json()
    assert not MarketMakingOrder.objects.exists()


def test_a_float_amount_is_read_exactly_or_refused(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    response = post(user, pair_id=world.pair.pk, base_amount=1.5)
    assert response.status_code == 201, response.content
    assert MarketMakingOrder.objects.get().base_amount == 1.5


def test_an_order_needs_a_mixin_login(world, django_user_model):
    plain = django_user_model.objects.create_user(username="no-mixin")
    response = post(plain, pair_id=world.pair.pk)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mixin_login_required"


def test_an_order_body_with_exchange_credentials_is_refused(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    response = post(
        user, pair_id=world.pair.pk, exchange={"api_key": "k", "secret": "never-echoed-7"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["detail"]["fields"] == ["exchange.api_key", "exchange.secret"]
    assert "never-echoed-7" not in response.content.decode()
    assert not MarketMakingOrder.objects.exists()
