"""Moving an order between states: one transition, one OrderEvent, one transaction."""

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core import context
from core.errors import ConflictError
from orders.models import MarketMakingOrder, OrderEvent

logger = logging.getLogger(__name__)


class TransitionRefused(ConflictError):
    code = "transition_not_allowed"


def order_event_record(
    *,
    order: MarketMakingOrder,
    kind: str,
    actor: str,
    reason: str = "",
    data: dict | None = None,
    from_state: str = "",
    to_state: str = "",
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
        data=data or {},
        trace_id=context.current_trace_id() or order.trace_id,
    )


@transaction.atomic
def order_transition(
    *,
    order: MarketMakingOrder,
    transition: Callable[..., None],
    actor: str,
    reason: str = "",
    data: dict | None = None,
    **transition_kwargs: object,
) -> MarketMakingOrder:
    """Run `transition` (a bound transition method of `order`) and record it.

    A transition the state machine refuses, or one that lost a race with another worker,
    raises TransitionRefused carrying the current state; nothing is written.
    """
    from_state = order.state
    try:
        transition(**transition_kwargs)
        order.state_changed_at = timezone.now()
        order.save()
    except TransitionNotAllowed:
        raise TransitionRefused(
            _("The order is %(state)s; it cannot %(action)s.")
            % {"state": from_state, "action": transition.__name__.replace("_", " ")},
            detail={"state": from_state},
        ) from None
    except ConcurrentTransition:
        order.refresh_from_db()
        raise TransitionRefused(
            _("Another change to the order happened first."), detail={"state": order.state}
        ) from None
    order_event_record(
        order=order,
        kind="transition",
        from_state=from_state,
        to_state=order.state,
        actor=actor,
        reason=reason,
        data=data,
    )
    logger.info(
        "order moved", extra={"from_state": from_state, "to_state": order.state, "actor": actor}
    )
    return order


def order_lock(order_id: object) -> MarketMakingOrder:
    """The order, row-locked for the rest of the transaction (a no-op lock on SQLite,
    whose IMMEDIATE transactions already serialize writers)."""
    return MarketMakingOrder.objects.select_for_update().get(pk=order_id)
