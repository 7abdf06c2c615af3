"""The embedded default keeps pace (issue 11): every periodic run expires when the next one is
sent, each task goes to the queue of its role, and the Procfile's workers together consume
every queue, the funds loop's alone."""

import shlex
from pathlib import Path

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from mrmarket.celery import app as celery_app
from mrmarket.schedule import PERIODIC_JOBS

ROOT = Path(__file__).resolve().parents[2]
DECLARED_QUEUES = set(celery_app.amqp.queues)


def queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def product_tasks() -> list[str]:
    celery_app.loader.import_default_modules()  # every app's tasks, as a worker loads them
    return sorted(name for name in celery_app.tasks if not name.startswith("celery."))


@pytest.mark.django_db
def test_setup_periodic_tasks_writes_an_expiry_for_every_job():
    call_command("setup_periodic_tasks", verbosity=0)
    for job in PERIODIC_JOBS:
        task = PeriodicTask.objects.get(name=job.name)
        assert task.expire_seconds == job.expire_seconds, job.name
        # A run expires by the time the next one is sent, never before it could start.
        assert 1 <= task.expire_seconds <= max(1, job.every_seconds), job.name
        # What beat sends: the run carries the expiry to the worker.
        assert ModelEntry(task).options["expires"] == job.expire_seconds, job.name


@pytest.mark.django_db
def test_setup_periodic_tasks_restores_an_expiry_cleared_in_the_admin():
    call_command("setup_periodic_tasks", verbosity=0)
    PeriodicTask.objects.update(expire_seconds=None)
    call_command("setup_periodic_tasks", verbosity=0)
    assert not PeriodicTask.objects.filter(expire_seconds__isnull=True).exists()


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("wallet.tasks.poll_mixin_snapshots", "intake"),
        ("executor.tasks.executor_tick_all", "ticks"),
        ("executor.tasks.executor_tick_market", "ticks"),
        ("executor.tasks.quotes_cancel", "ticks"),
        ("reports.tasks.reports_snapshot_all", "ticks"),
        ("reports.tasks.reports_snapshot_markets", "ticks"),
        ("reports.tasks.reports_roll_up", "ticks"),
        ("reports.tasks.reports_proofs_refresh", "proofs"),
        ("reports.tasks.reports_proof_build", "proofs"),
        ("orders.tasks.process_payment_snapshot", "loop"),
        ("orders.tasks.withdraw_to_exchange", "loop"),
        ("orders.tasks.monitor_mixin_withdrawal", "loop"),
        ("orders.tasks.confirm_exchange_deposit", "loop"),
        ("orders.tasks.start_mm", "loop"),
        ("orders.tasks.exit_mm", "loop"),
        ("orders.tasks.payout_send", "loop"),
        ("orders.tasks.payments_expire", "loop"),
        ("orders.tasks.reconcile_orders", "loop"),
    ],
)
def test_each_task_goes_to_the_queue_of_its_role(task_name, queue):
    assert task_name in product_tasks()
    assert queue_of(task_name) == queue


def test_every_task_and_every_periodic_job_goes_to_a_declared_queue():
    routed = {name: queue_of(name) for name in product_tasks()}
    routed |= {job.task: queue_of(job.task) for job in PERIODIC_JOBS}
    assert {name: q for name, q in routed.items() if q not in DECLARED_QUEUES} == {}


def procfile_workers() -> dict[str, set[str]]:
    """The queues of each `celery worker` line of the Procfile (all of them without -Q)."""
    workers = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        args = shlex.split(command)
        if "celery" not in args or "worker" not in args:
            continue
        queues = set(DECLARED_QUEUES)
        for flag, value in zip(args, args[1:], strict=False):
            if flag in ("-Q", "--queues"):
                queues = set(value.split(","))
        workers[name] = queues
    return workers


def test_the_procfile_workers_consume_every_queue_and_the_loop_has_its_own():
    workers = procfile_workers()
    assert set().union(*workers.values()) == DECLARED_QUEUES
    assert [queues for queues in workers.values() if "loop" in queues] == [{"loop"}]
