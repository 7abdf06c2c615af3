"""The PnL and lifecycle answers have exactly the shapes the OpenAPI schema declares
(reports/serializers.py): every declared field that is required is there, nothing else is,
and each value is valid for its field, on a real traded and exited order."""

import pytest
from rest_framework import serializers

from reports.serializers import LIFECYCLE_EVENTS, LifecyclePageSerializer, OrderPnlSerializer
from tests.reports.test_order_lifecycle_and_report_api import (
    client_of,
    exited_order,
    lifecycle_all,
)

pytestmark = pytest.mark.django_db(transaction=True)


def shape_problems(declared: serializers.Serializer, body: dict, path: str = "") -> list[str]:
    """Keys missing or undeclared at every level, and values their field refuses."""
    fields = declared.fields
    problems = [f"{path}{k}: undeclared" for k in body.keys() - fields.keys()]
    problems += [
        f"{path}{name}: missing"
        for name, field in fields.items()
        if field.required and name not in body
    ]
    for name, value in body.items():
        field = fields.get(name)
        if isinstance(field, serializers.Serializer) and isinstance(value, dict):
            problems += shape_problems(field, value, f"{path}{name}.")
            continue
        if field is None or isinstance(field, serializers.Serializer):
            if field is not None and not (value is None and field.allow_null):
                problems.append(f"{path}{name}: {value!r} is not an object")
            continue
        try:
            field.run_validation(value)
        except serializers.ValidationError as error:
            problems.append(f"{path}{name}: {value!r} refused ({error.detail})")
    return problems


def test_the_pnl_answer_is_the_declared_shape():
    order = exited_order()
    body = client_of(order.user).get(f"/api/v1/market-making/orders/{order.pk}/pnl/").json()
    assert body["activity"]["fills"]["count"] == 3
    assert shape_problems(OrderPnlSerializer(), body) == []
    # The check itself: an undeclared or missing figure is reported.
    assert shape_problems(OrderPnlSerializer(), {**body, "extra": "1"}) == ["extra: undeclared"]
    del body["activity"]["volume"]
    assert shape_problems(OrderPnlSerializer(), body) == ["activity.volume: missing"]


def test_every_lifecycle_event_is_one_declared_shape():
    order = exited_order()
    client = client_of(order.user)
    page = client.get(f"/api/v1/market-making/orders/{order.pk}/lifecycle/").json()
    assert shape_problems(LifecyclePageSerializer(), {**page, "events": []}) == []
    lines = lifecycle_all(client, order)
    assert {line["source"] for line in lines} == set(LIFECYCLE_EVENTS)
    for line in lines:
        assert shape_problems(LIFECYCLE_EVENTS[line["source"]](), line) == [], line
