"""The user's controls of a running order: pause, resume, stop and exit.

Each request carries an Idempotency-Key; the first answer (success or refusal) is stored
and a replay of the key gets the same answer without touching the order again.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

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


def order_control(
    *, order_id: object, actor: str, action: str, idempotency_key: str
) -> ControlAnswer:
    try:
        with transaction.atomic():
            stored = OrderActionRequest.objects.filter(
                order_id=order_id, idempotency_key=idempotency_key
            ).first()
            if stored is not None:
                return ControlAnswer(stored.status_code, stored.response)
            order = order_lock(order_id)
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
    except IntegrityError:
        # The same key arrived twice at once; the other request's answer stands.
        stored = OrderActionRequest.objects.get(order_id=order_id, idempotency_key=idempotency_key)
        return ControlAnswer(stored.status_code, stored.response)
