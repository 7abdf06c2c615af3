import json

import pytest
from auditlog.models import LogEntry

from orders.models import StrategyPreset

pytestmark = pytest.mark.django_db


def change_form_data(client, preset, **changes):
    form = client.get(f"/admin/orders/strategypreset/{preset.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(changes)
    return data


def test_an_admin_edit_is_stored_in_canonical_form_and_audited_with_the_actor(
    client, admin_client_user
):
    preset = StrategyPreset.objects.get(name="stable-depth")
    client.force_login(admin_client_user)
    params = {**preset.params, "bid_spread": 0.0040}  # typed as a JSON number
    response = client.post(
        f"/admin/orders/strategypreset/{preset.pk}/change/",
        change_form_data(client, preset, params=json.dumps(params)),
        headers={"X-Trace-Id": "trace-preset-0001"},
    )
    assert response.status_code == 302
    preset.refresh_from_db()
    assert preset.params["bid_spread"] == "0.004"
    entry = LogEntry.objects.get_for_object(preset).latest("timestamp")
    assert entry.actor == admin_client_user
    assert entry.cid == "trace-preset-0001"
    assert "params" in entry.changes_dict


def test_invalid_parameters_are_refused_with_the_field_named(client, admin_client_user):
    preset = StrategyPreset.objects.get(name="stable-depth")
    client.force_login(admin_client_user)
    params = {**preset.params, "order_levels": 40, "spread": "0.1"}
    response = client.post(
        f"/admin/orders/strategypreset/{preset.pk}/change/",
        change_form_data(client, preset, params=json.dumps(params)),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["params"]
    assert any(e.startswith("order_levels: Must be at most 20.") for e in errors)
    assert any(e.startswith("spread: Unknown parameter.") for e in errors)
    preset.refresh_from_db()
    assert preset.params["order_levels"] == 5


def test_a_preset_must_set_or_require_each_required_parameter(client, admin_client_user):
    preset = StrategyPreset.objects.get(name="low-maintenance")
    client.force_login(admin_client_user)
    response = client.post(
        f"/admin/orders/strategypreset/{preset.pk}/change/",
        change_form_data(client, preset, required_overrides="[]"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["params"]
    assert errors == ["order_amount: Set it in the preset or list it among the required overrides."]


def test_staff_without_permission_cannot_edit_presets(client, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(clerk)
    preset = StrategyPreset.objects.get(name="stable-depth")
    assert client.get(f"/admin/orders/strategypreset/{preset.pk}/change/").status_code == 403
