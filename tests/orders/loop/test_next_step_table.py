"""The funds loop's next step is written once (orders/services/loop.py): the table covers
every state the loop moves on, each step hands the order to the table's job, reconcile
re-enqueues the table's job, and no service imports a task module."""

import ast
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from executor.models import ExecutorState
from mrmarket.celery import app as celery_app
from orders.models import MarketMakingOrder, Payout
from orders.services import exit as exit_service
from orders.services import funding, payouts
from orders.services.control import order_control
from orders.services.funding import Step
from orders.services.loop import ENTERED, NEXT_JOB, PAYOUT_SEND, WITHDRAWALS_SENT
from orders.services.reconcile import reconcile_run
from orders.states import NON_TERMINAL, STUCK_AFTER_SECONDS, TERMINAL_STATES, OrderState
from tests.orders.factories import MarketMakingOrderFactory
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order

S = OrderState
STATES_WITH_A_JOB = {state for state, _ in NEXT_JOB}
ENTRY_STATES = sorted(state for state, done in NEXT_JOB if done == ENTERED)
# The non-terminal states no loop job moves on, and what moves them instead.
MOVED_BY_SOMETHING_ELSE = {
    S.PAYMENT_PENDING: "the user's payment (intake) or payments_expire",
    S.PAYMENT_INCOMPLETE: "the rest of the payment or payments_expire",
    S.EXPIRED: "its refunds' payout_send jobs",
    S.RUNNING: "the executor's ticks and the user's controls",
    S.PAUSED: "the user's controls",
    S.STOPPED: "the user's controls",
    S.FAILED: "an operator's approved recovery",
}
SERVICES = Path(__file__).resolve().parents[3] / "orders" / "services"


def test_the_table_names_a_job_for_every_state_the_loop_moves_on():
    assert STATES_WITH_A_JOB | set(MOVED_BY_SOMETHING_ELSE) == NON_TERMINAL
    assert not STATES_WITH_A_JOB & set(MOVED_BY_SOMETHING_ELSE)
    assert not STATES_WITH_A_JOB & TERMINAL_STATES
    # A stalled order restarts its state's first step, after a bound reconcile knows.
    assert set(ENTRY_STATES) == STATES_WITH_A_JOB == set(STUCK_AFTER_SECONDS)
    celery_app.loader.import_default_modules()  # every app's tasks, as a worker loads them
    assert set(NEXT_JOB.values()) | {PAYOUT_SEND} <= set(celery_app.tasks)


def test_no_service_imports_a_task_module():
    imported = {}
    for path in SERVICES.glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        imported[path.stem] = {name for name in names if name.split(".")[-1] == "tasks"}
    assert {module: names for module, names in imported.items() if names} == {}


@pytest.mark.django_db
@pytest.mark.parametrize("state", ENTRY_STATES)
def test_reconcile_enqueues_the_tables_job_for_a_stalled_order(
    state, presets_seeded, sent_tasks, django_capture_on_commit_callbacks
):
    order = MarketMakingOrderFactory()
    MarketMakingOrder.objects.filter(pk=order.pk).update(
        state=state, state_changed_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = reconcile_run(older_than=timedelta(0))
    job = NEXT_JOB[(state, ENTERED)]
    assert report.rerun == [(str(order.pk), job)]
    assert sent_tasks == [(job, {"order_id": str(order.pk), "trace_id": order.trace_id})]


class Steps:
    """Runs one step of an order as its task would and answers the jobs it enqueued for
    the order, once its transaction committed."""

    def __init__(self, order, sent_tasks, capture) -> None:
        self.order = order
        self.sent_tasks = sent_tasks
        self.capture = capture
        self.order_kwargs = {"order_id": str(order.pk), "trace_id": order.trace_id}

    def run(self, step, *, until_done: bool = False) -> list[str]:
        self.sent_tasks.clear()
        deadline = time.monotonic() + 20
        with self.capture(execute=True):
            # A waiting step is polled again by its own task: it hands nothing on.
            while step() is Step.WAITING and until_done:
                assert time.monotonic() < deadline, "still waiting"
                time.sleep(0.05)
        return [name for name, kwargs in self.sent_tasks if kwargs == self.order_kwargs]

    def tables_job(self, done: str = ENTERED) -> list[str]:
        self.order.refresh_from_db()
        return [NEXT_JOB[(self.order.state, done)]]


def test_each_funding_step_hands_the_order_to_the_tables_job(
    world, django_user_model, django_capture_on_commit_callbacks, sent_tasks
):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    world.pay(user, body["payment"]["url"])
    order = MarketMakingOrder.objects.get(pk=body["id"])
    steps = Steps(order, sent_tasks, django_capture_on_commit_callbacks)

    assert steps.run(world.intake) == steps.tables_job()
    assert order.state == S.PAYMENT_COMPLETE
    assert steps.run(lambda: funding.withdraw_to_exchange(order_id=order.pk)) == (
        steps.tables_job(done=WITHDRAWALS_SENT)
    )
    assert order.state == S.WITHDRAWING
    monitor = lambda: funding.monitor_mixin_withdrawal(order_id=order.pk)  # noqa: E731
    assert steps.run(monitor, until_done=True) == steps.tables_job()
    assert order.state == S.DEPOSIT_CONFIRMING
    confirm = lambda: funding.confirm_exchange_deposit(order_id=order.pk)  # noqa: E731
    assert steps.run(confirm, until_done=True) == steps.tables_job()
    assert order.state == S.DEPOSIT_CONFIRMED
    assert steps.run(lambda: funding.start_mm(order_id=order.pk)) == []
    order.refresh_from_db()
    assert order.state == S.RUNNING and (S.RUNNING, ENTERED) not in NEXT_JOB


def test_each_exit_step_hands_the_order_to_the_tables_job(
    world, django_user_model, django_capture_on_commit_callbacks, sent_tasks
):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    world.pay(user, body["payment"]["url"])
    order = world.drive(MarketMakingOrder.objects.get(pk=body["id"]), until="running")
    steps = Steps(order, sent_tasks, django_capture_on_commit_callbacks)
    exit_advance = lambda: exit_service.exit_advance(order_id=order.pk)  # noqa: E731

    exit_request = lambda: order_control(  # noqa: E731
        order_id=order.pk, actor="user", action="exit", idempotency_key=uuid.uuid4().hex
    )
    assert steps.run(exit_request) == steps.tables_job()
    # exit_mm's own cancel-all takes the quotes off: no second cancel job races it.
    assert [name for name, kwargs in sent_tasks if kwargs["order_id"] == str(order.pk)] == (
        steps.tables_job()
    )
    assert not ExecutorState.objects.get(order=order).quoting
    assert order.state == S.EXIT_REQUESTED
    # exit_mm goes as far as it can, then its own task polls: it hands nothing on.
    assert steps.run(exit_advance) == []
    order.refresh_from_db()
    assert order.state == S.EXIT_CONFIRMING
    # A chain deposit coming back wakes the order's exit job.
    deadline = time.monotonic() + 20
    while not (woken := steps.run(world.intake)):
        assert time.monotonic() < deadline, "no chain deposit came back"
        time.sleep(0.05)
    assert set(woken) == set(steps.tables_job())
    # Once the funds are back, each payout is sent by its own job.
    deadline = time.monotonic() + 20
    while not Payout.objects.filter(order=order).exists():
        assert time.monotonic() < deadline, "nothing paid out"
        world.intake()
        steps.run(exit_advance)
        time.sleep(0.05)
    payouts_made = list(Payout.objects.filter(order=order).order_by("pk"))
    payout_jobs = [kwargs for name, kwargs in sent_tasks if name == PAYOUT_SEND]
    assert sorted(payout_jobs, key=lambda kwargs: kwargs["payout_id"]) == [
        {"payout_id": p.pk, "trace_id": p.trace_id} for p in payouts_made
    ]
    # A settled payout wakes the exit job, which then finishes the exit.
    for payout in payouts_made:
        sent = payouts.payout_send(payout_id=payout.pk)
        follow_up = lambda sent=sent: payouts.payout_order_follow_up(payout=sent)  # noqa: E731
        assert steps.run(follow_up) == steps.tables_job()
    assert steps.run(exit_advance) == []
    order.refresh_from_db()
    assert order.state == S.EXITED
