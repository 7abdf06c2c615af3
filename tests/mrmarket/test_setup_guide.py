"""The setup guide: on an empty node every step is open and order creation answers 503
naming them; after the demo seed every required step is done and orders are taken; a key
the exchange lets read and trade but not withdraw leaves its step open."""

import socket
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from demo.scenarios import api_key_store, api_key_validate_now
from exchanges.models import ExchangeAPIKey, TradingPair
from simulators.venue.control import SimulatorControl
from tests.orders.pages_helpers import demo_user
from wallet.models import MixinUser

pytestmark = pytest.mark.django_db
REQUIRED = ["mixin", "exchange", "api_key", "networks", "pairs", "gates"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the bot's reachability is remembered for seconds
    yield
    cache.clear()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def guide(client) -> dict[str, dict]:
    response = client.get(reverse("admin-setup-json"))
    assert response.status_code == 200
    return {step["name"]: step for step in response.json()["steps"]}


def validated_venue_key(demo_world, label: str, permissions: list[str]) -> ExchangeAPIKey:
    """A venue account with these permissions, stored as a key and validated now."""
    account = SimulatorControl(demo_world.venue_url).account_create(
        label=label, permissions=permissions
    )
    return api_key_validate_now(
        api_key=api_key_store(
            exchange=demo_world.api_key.exchange,
            label=label,
            api_key=account["api_key"],
            secret=account["secret"],
        )
    )


def create_order(user, pair_id: int = 1):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(
        "/api/v1/market-making/orders/",
        {
            "pair_id": pair_id,
            "strategy": {"preset": "stable-depth", "overrides": {"order_amount": "0.2"}},
            "base_amount": "2",
            "quote_amount": "300",
        },
        format="json",
    )


def test_an_empty_node_shows_every_step_open_and_refuses_orders(
    client, admin_client_user, django_user_model, settings, presets_seeded
):
    settings.MIXIN_API_BASE = closed_port_url()
    client.force_login(admin_client_user)

    steps = guide(client)

    assert [name for name, step in steps.items() if step["done"]] == []
    assert set(REQUIRED) <= set(steps) and {"workers", "beat", "hufi"} <= set(steps)
    page = client.get(reverse("admin-setup")).content.decode()
    assert page.count('class="setup-step open"') == len(steps)
    assert 'href="/admin/exchanges/exchange/add/"' in page

    user = django_user_model.objects.create_user(username="payer")
    MixinUser.objects.create(user=user, mixin_user_id=uuid.uuid4(), full_name="Payer")
    response = create_order(user)
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "node_not_set_up"
    assert error["message"].startswith("this node is not set up yet: ")
    assert {m["step"] for m in error["detail"]["missing"]} == set(REQUIRED)


def test_after_the_demo_seed_every_required_step_is_done_and_orders_are_taken(
    client, admin_client_user, demo_world, presets_seeded
):
    client.force_login(admin_client_user)

    steps = guide(client)

    assert {name: steps[name]["done"] for name in REQUIRED} == dict.fromkeys(REQUIRED, True)
    response = create_order(demo_user(), demo_world.pair("XIN/USDT").pk)
    assert response.status_code == 201, response.content


def test_a_key_without_withdraw_permission_leaves_its_step_open(
    client, admin_client_user, demo_world, presets_seeded
):
    ExchangeAPIKey.objects.update(enabled=False)  # the demo's own key, which may withdraw
    key = validated_venue_key(demo_world, "no-withdraw", ["read", "trade"])
    assert key.loop_permissions().as_states() == {
        "read": "granted",
        "trade": "granted",
        "withdraw": "refused",
        "deposit_address": "granted",
    }
    client.force_login(admin_client_user)

    step = guide(client)["api_key"]

    assert not step["done"]
    assert "lacks withdraw" in step["detail"]
    response = create_order(demo_user(), demo_world.pair("XIN/USDT").pk)
    assert response.status_code == 503
    assert [m["step"] for m in response.json()["error"]["detail"]["missing"]] == ["api_key"]


def test_a_permission_nobody_confirmed_blocks_like_a_refused_one(
    client, admin_client_user, demo_world, presets_seeded
):
    """Validated while the exchange has no enabled pair, the key's deposit address is
    unknown: it is not counted as granted by validation, the guide or order creation."""
    ExchangeAPIKey.objects.update(enabled=False)
    pairs = TradingPair.objects.filter(exchange=demo_world.api_key.exchange, enabled=True)
    enabled = list(pairs.values_list("pk", flat=True))
    pairs.update(enabled=False)
    key = validated_venue_key(demo_world, "early", ["read", "trade", "withdraw"])
    TradingPair.objects.filter(pk__in=enabled).update(enabled=True)

    assert key.permission_report["deposit_address"] is None
    assert key.validation_status == ExchangeAPIKey.ValidationStatus.INSUFFICIENT
    assert "unknown: deposit_address" in key.validation_error
    client.force_login(admin_client_user)
    step = guide(client)["api_key"]
    assert not step["done"]
    assert step["detail"].endswith("early unknown: deposit_address")
    assert step["figures"]["keys"][str(key)]["deposit_address"] == "unknown"
    response = create_order(demo_user(), demo_world.pair("XIN/USDT").pk)
    assert response.status_code == 503
    assert [m["step"] for m in response.json()["error"]["detail"]["missing"]] == ["api_key"]
