"""Amounts a money column cannot hold, or that are not plain decimals, are a 400 on
order creation and leave nothing behind: no order, and every list and job still reads."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from orders.models import MarketMakingOrder
from orders.services.payments import payments_expire_due
from tests.orders.loop.harness import USDT, XIN

pytestmark = pytest.mark.django_db


def create(user, pair_id, *, raw_body: str | None = None, **fields):
    body = {
        "pair_id": pair_id,
        "strategy": {"preset": "stable-depth", "overrides": {"order_amount": "0.1"}},
        "base_amount": "1",
        "quote_amount": "100",
        **fields,
    }
    client = APIClient()
    client.force_authenticate(user)
    if raw_body is not None:
        return client.post(
            "/api/v1/market-making/orders/", raw_body, content_type="application/json"
        )
    return client.post("/api/v1/market-making/orders/", body, format="json")


@pytest.fixture
def creator(world, django_user_model):
    return world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})


def assert_refused_and_nothing_stored(response, field, user):
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["detail"], response.json()
    assert not MarketMakingOrder.objects.exists()
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/market-making/orders/").json() == []
    assert payments_expire_due() == 0


@pytest.mark.parametrize(
    "raw_amount",
    [
        "1e20",
        "1e30",
        "1e400",
        "1e999999999999",
        "123456789012345678901234567890123456789012345",
        "100000000000000000000",
        "99999999999999999999",  # fits PostgreSQL, but SQLite reads it back as 1E+20
    ],
)
@pytest.mark.parametrize("field", ["base_amount", "quote_amount"])
def test_an_amount_beyond_the_money_column_is_refused_as_a_json_number(
    world, creator, raw_amount, field
):
    other = "quote_amount" if field == "base_amount" else "base_amount"
    raw = (
        f'{{"pair_id": {world.pair.pk}, "strategy": {{"preset": "stable-depth", '
        f'"overrides": {{"order_amount": "0.1"}}}}, "{field}": {raw_amount}, "{other}": "1"}}'
    )
    response = create(creator, world.pair.pk, raw_body=raw)
    assert_refused_and_nothing_stored(response, field, creator)


@pytest.mark.parametrize("text", ["1e20", "1E+30", "100000000000000000000", "NaN", "Infinity"])
def test_an_amount_beyond_the_money_column_is_refused_as_text(world, creator, text):
    response = create(creator, world.pair.pk, quote_amount=text)
    assert_refused_and_nothing_stored(response, "quote_amount", creator)


@pytest.mark.parametrize("text", ["1_000", "٢", " 2 ", "2 ", "+2", "0x10", "2.", ".5", "1,5"])
def test_an_amount_is_plain_ascii_decimal_text(world, creator, text):
    response = create(creator, world.pair.pk, quote_amount=text)
    assert_refused_and_nothing_stored(response, "quote_amount", creator)


@pytest.mark.parametrize("value", [True, [1], {"amount": "1"}, None])
def test_an_amount_of_another_json_type_is_refused(world, creator, value):
    response = create(creator, world.pair.pk, quote_amount=value)
    assert_refused_and_nothing_stored(response, "quote_amount", creator)


def test_the_largest_storable_quote_is_accepted_and_reads_back(world, creator):
    response = create(creator, world.pair.pk, quote_amount="99999999999999900000")
    assert response.status_code == 201, response.content
    order = MarketMakingOrder.objects.get()
    assert order.quote_amount == Decimal("99999999999999900000")
    client = APIClient()
    client.force_authenticate(creator)
    listed = client.get("/api/v1/market-making/orders/").json()
    assert listed[0]["quote_amount"].startswith("99999999999999900000")


def test_json_numbers_in_the_overrides_are_read_exactly_and_stored(world, creator):
    raw = (
        f'{{"pair_id": {world.pair.pk}, "strategy": {{"preset": "stable-depth", '
        f'"overrides": {{"order_amount": 0.2, "order_levels": 2}}}}, '
        f'"base_amount": 1, "quote_amount": 100.5}}'
    )
    response = create(creator, world.pair.pk, raw_body=raw)
    assert response.status_code == 201, response.content
    order = MarketMakingOrder.objects.get()
    assert order.strategy_overrides == {"order_amount": "0.2", "order_levels": 2}
    assert order.quote_amount == Decimal("100.5")


@pytest.mark.parametrize("override", ['"1_000"', '"٢"', '" 0.2 "', "1e999999999999", '"0.1e1"'])
def test_an_override_that_is_not_a_plain_number_is_refused(world, creator, override):
    raw = (
        f'{{"pair_id": {world.pair.pk}, "strategy": {{"preset": "stable-depth", '
        f'"overrides": {{"order_amount": {override}}}}}, "base_amount": "1", '
        f'"quote_amount": "100"}}'
    )
    response = create(creator, world.pair.pk, raw_body=raw)
    assert response.status_code == 400, response.content
    assert "order_amount" in str(response.json()["error"]["detail"])
    assert not MarketMakingOrder.objects.exists()
