"""The user's controls of a running order: pause, resume, stop and exit.

Each request carries an Idempotency-Key; the first answer (success or refusal) is stored
and a replay of the key gets the same answer without touching the order again.
"""

from dataclasses import dataclass

from django.db import IntegrityError

from core.transactions import atomic_with_deadlock_retry
from orders.models import MarketMakingOrder, OrderActionRequest
from orders.services.lifecycle import TransitionRefused, order_lock, order_transition
from orders.services.loop import order_next_step_enqueue
from orders.states import EXIT_STATES, OrderState


@dataclass(frozen=True)
class ControlAnswer:
    status_code: int
    body: dict


ACTIONS = ("pause", "resume", "stop", "exit")


def _apply(order: MarketMakingOrder, action: str, actor: str) -> None:
    from executor.services import (
        executor_order_pause,
        executor_order_quoting_stop,
        executor_order_resume,
    )

    if action == "exit":
        if order.state in EXIT_STATES | {OrderState.EXITED}:
            return  # exit was asked already; a repeat changes nothing
        reason = "exit requested by the user"
        order_transition(order=order, transition=order.request_exit, actor=actor, reason=reason)
        # No tick places a new quote while exit_mm, enqueued below, cancels the rest.
        executor_order_quoting_stop(order_id=order.pk)
        order_next_step_enqueue(order=order)
        return
    if action == "resume":
        # stopped → running is its own edge of the state machine; paused → running is resume.
        transition = order.start_running if order.state == OrderState.STOPPED else order.resume
        order_transition(
            order=order, transition=transition, actor=actor, reason="resumed by the user"
        )
        executor_order_resume(order_id=order.pk)
        return
    transition, reason = {
        "pause": (order.pause, "paused by the user"),
        "stop": (order.stop, "stopped by the user; funds stay on the exchange"),
    }[action]
    order_transition(order=order, transition=transition, actor=actor, reason=reason)
    executor_order_pause(order_id=order.pk, reason=reason)


def _key_reused(stored: OrderActionRequest, *, key: str) -> ControlAnswer:
    return ControlAnswer(
        422,
        {
            "error": {
                "code": "idempotency_key_reused",
                "message": (
                    f"Idempotency-Key {key!r} was already used to {stored.action} order "
                    f"{stored.order_id}; send a new key for a new request."
                ),
                "detail": {
                    "Idempotency-Key": key,
                    "action": stored.action,
                    "order": str(stored.order_id),
                },
            }
        },
    )


def _replay(
    *, user_id: object, order_id: object, action: str, idempotency_key: str
) -> ControlAnswer | None:
    """The stored answer to this key, or a 422 when the key was for something else.

    Keys are the user's: one key reused on another order is caught as well."""
    stored = (
        OrderActionRequest.objects.filter(order__user_id=user_id, idempotency_key=idempotency_key)
        .order_by("pk")
        .first()
    )
    if stored is None:
        return None
    if str(stored.order_id) != str(order_id) or stored.action != action:
        return _key_reused(stored, key=idempotency_key)
    return ControlAnswer(stored.status_code, stored.response)


def order_control(
    *, order_id: object, actor: str, action: str, idempotency_key: str
) -> ControlAnswer:
    key = {"order_id": order_id, "action": action, "idempotency_key": idempotency_key}
    user_id = MarketMakingOrder.objects.values_list("user_id", flat=True).get(pk=order_id)

    def attempt() -> ControlAnswer:
        replayed = _replay(user_id=user_id, **key)
        if replayed is not None:
            return replayed
        order = order_lock(order_id)
        replayed = _replay(user_id=user_id, **key)  # sent again while we waited
        if replayed is not None:
            return replayed
        try:
            _apply(order, action, actor)
            answer = ControlAnswer(200, {"id": str(order.pk), "state": order.state})
        except TransitionRefused as refused:
            answer = ControlAnswer(
                409,
                {
                    "error": {
                        "code": refused.code,
                        "message": refused.message,
                        "detail": refused.detail,
                    }
                },
            )
        OrderActionRequest.objects.create(
            order=order,
            idempotency_key=idempotency_key,
            action=action,
            status_code=answer.status_code,
            response=answer.body,
        )
        return answer

    try:
        return atomic_with_deadlock_retry(attempt)
    except IntegrityError:
        # The same key arrived twice at once; the other request's answer stands.
        replayed = _replay(user_id=user_id, **key)
        assert replayed is not None
        return replayed
