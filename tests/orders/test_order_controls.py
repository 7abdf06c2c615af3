"""pause / resume / stop / exit: owners only, replays answer the same, refusals say the state."""

import threading
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from orders.models import MarketMakingOrder, OrderActionRequest
from orders.services.control import order_control
from tests.conftest import requires_postgres
from tests.orders.factories import MarketMakingOrderFactory


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def act(client, order, action, key=None):
    return client.post(
        f"/api/v1/market-making/orders/{order.pk}/{action}/",
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


@pytest.fixture
def running_order(db, presets_seeded):
    order = MarketMakingOrderFactory()
    MarketMakingOrder.objects.filter(pk=order.pk).update(state="running")
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_a_replay_returns_the_first_answer(running_order, django_capture_on_commit_callbacks):
    client = client_for(running_order.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = act(client, running_order, "pause", key="k-1")
        replay = act(client, running_order, "pause", key="k-1")
    assert first.status_code == replay.status_code == 200
    assert first.json() == replay.json() == {"id": str(running_order.pk), "state": "paused"}
    assert len(callbacks) == 1  # quotes cancelled once
    assert running_order.events.filter(to_state="paused").count() == 1

    refused = act(client, running_order, "pause", key="k-2")
    assert refused.status_code == 409
    assert refused.json()["error"]["detail"] == {"state": "paused"}
    assert act(client, running_order, "pause", key="k-2").status_code == 409  # replayed refusal


@pytest.mark.django_db
def test_the_whole_control_cycle(running_order, django_capture_on_commit_callbacks):
    client = client_for(running_order.user)
    with django_capture_on_commit_callbacks(execute=False):
        steps = [
            ("pause", 200, "paused"),
            ("resume", 200, "running"),
            ("stop", 200, "stopped"),
            ("resume", 200, "running"),
            ("exit", 200, "exit_requested"),
            ("exit", 200, "exit_requested"),  # a repeated exit changes nothing
            ("resume", 409, None),
            ("pause", 409, None),
        ]
        for action, status, state in steps:
            response = act(client, running_order, action)
            assert response.status_code == status, (action, response.json())
            if state:
                assert response.json()["state"] == state
    transitions = list(
        running_order.events.filter(kind="transition").values_list("to_state", flat=True)
    )
    assert transitions == ["paused", "running", "stopped", "running", "exit_requested"]


@pytest.mark.django_db
def test_only_the_owner_controls_an_order(running_order, django_user_model):
    other = django_user_model.objects.create_user(username="other")
    response = act(client_for(other), running_order, "exit")
    assert response.status_code == 404
    running_order.refresh_from_db()
    assert running_order.state == "running"


@pytest.mark.django_db
def test_an_action_needs_an_idempotency_key(running_order):
    response = client_for(running_order.user).post(
        f"/api/v1/market-making/orders/{running_order.pk}/pause/"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


@pytest.mark.django_db
def test_controls_before_running_are_refused(db):
    order = MarketMakingOrderFactory()  # payment_pending
    response = act(client_for(order.user), order, "exit")
    assert response.status_code == 409
    assert response.json()["error"]["detail"]["state"] == "payment_pending"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_twice_at_once_acts_once(running_order):
    answers = []
    barrier = threading.Barrier(2)

    def send():
        barrier.wait()
        try:
            answers.append(
                order_control(
                    order_id=running_order.pk,
                    actor="user:test",
                    action="pause",
                    idempotency_key="same",
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].body == answers[1].body
    assert OrderActionRequest.objects.filter(order=running_order).count() == 1
    assert running_order.events.filter(to_state="paused").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "then"), [("resume", "stop"), ("pause", "exit")])
def test_a_key_reused_for_another_action_is_a_422_naming_the_key(
    running_order, django_capture_on_commit_callbacks, first, then
):
    client = client_for(running_order.user)
    MarketMakingOrder.objects.filter(pk=running_order.pk).update(state="paused")
    if first == "pause":
        MarketMakingOrder.objects.filter(pk=running_order.pk).update(state="running")
    with django_capture_on_commit_callbacks(execute=False):
        assert act(client, running_order, first, key="reused-key").status_code == 200
        state_after_first = MarketMakingOrder.objects.get(pk=running_order.pk).state
        reused = act(client, running_order, then, key="reused-key")
    assert reused.status_code == 422, reused.content
    error = reused.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "reused-key" in error["message"]
    assert error["detail"]["Idempotency-Key"] == "reused-key"
    assert error["detail"]["action"] == first
    assert MarketMakingOrder.objects.get(pk=running_order.pk).state == state_after_first


@pytest.mark.django_db
def test_a_key_reused_on_another_order_is_a_422(running_order, django_capture_on_commit_callbacks):
    second = MarketMakingOrderFactory(user=running_order.user)
    MarketMakingOrder.objects.filter(pk=second.pk).update(state="running")
    client = client_for(running_order.user)
    with django_capture_on_commit_callbacks(execute=False):
        assert act(client, running_order, "pause", key="one-key").status_code == 200
        reused = act(client, second, "pause", key="one-key")
    assert reused.status_code == 422
    assert reused.json()["error"]["detail"]["order"] == str(running_order.pk)
    assert MarketMakingOrder.objects.get(pk=second.pk).state == "running"


@pytest.mark.django_db
def test_another_user_may_use_the_same_key(running_order, django_capture_on_commit_callbacks):
    other = MarketMakingOrderFactory()
    MarketMakingOrder.objects.filter(pk=other.pk).update(state="running")
    with django_capture_on_commit_callbacks(execute=False):
        assert (
            act(client_for(running_order.user), running_order, "pause", key="k").status_code == 200
        )
        assert act(client_for(other.user), other, "pause", key="k").status_code == 200
