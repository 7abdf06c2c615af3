"""The owner's switch of an order's proof: public, anyone may read its report and lifecycle."""

from celery import current_app
from django.db import transaction

from orders.models import MarketMakingOrder
from orders.services.lifecycle import order_event_record, order_lock
from reports.models import PublishedProof

PROOF_BUILD = "reports.tasks.reports_proof_build"


@transaction.atomic
def order_proof_visibility_set(
    *, order: MarketMakingOrder, public: bool, actor: str
) -> MarketMakingOrder:
    """Switch the order's proof public or private; a change is an event on its timeline
    (who, old and new value), a repeat of the current value changes nothing. Public: the
    proof's first build is sent once this commits, so its page need not wait for the
    beat. Either way its stored proof is deleted with the switch, so nothing serves it."""
    locked = order_lock(order.pk)
    if locked.proof_public == public:
        return locked
    # One column, written without save(): the state machine's protected field stays untouched.
    MarketMakingOrder.objects.filter(pk=locked.pk).update(proof_public=public)
    order_event_record(
        order=locked,
        kind="proof_visibility",
        actor=actor,
        reason="proof made public" if public else "proof made private",
        data={"from": locked.proof_public, "to": public},
    )
    # Either way no stored proof survives the switch: private, nothing is served at once;
    # public again, a row a build stored while the proof was private is not served stale.
    PublishedProof.objects.filter(order_id=locked.pk).delete()
    if public:
        kwargs = {"order_id": str(locked.pk), "trace_id": locked.trace_id}
        transaction.on_commit(lambda: current_app.send_task(PROOF_BUILD, kwargs=kwargs))
    locked.proof_public = public
    return locked
