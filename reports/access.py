"""Who may read an order's measurements: its owner, or anyone once the owner made the
order's proof public."""

from typing import Any

from core.errors import NotFoundError
from orders.models import MarketMakingOrder


def is_order_owner(*, user: Any, order: MarketMakingOrder) -> bool:
    return bool(user.is_authenticated and order.user_id == user.pk)


def order_for_proof(*, user: Any, order_id: object) -> MarketMakingOrder:
    """The order if `user` may read its report; otherwise as unknown as a missing order."""
    order = MarketMakingOrder.objects.select_related("pair__exchange").filter(pk=order_id).first()
    owner = order is not None and is_order_owner(user=user, order=order)
    if order is None or not (owner or order.proof_public):
        raise NotFoundError("There is no such order.", detail={"id": str(order_id)})
    return order
