"""The admin's setup guide: the order-taking steps of orders.setup, plus what only the
running node can tell — workers answering, the beat sending its jobs — and the optional
HuFi step. Workers and beat are shown, not required for orders: a worker restart should not
turn users away (their orders wait in the queue, and the status page alerts)."""

from django.conf import settings
from django.urls import reverse

from mrmarket.health import beat_silence, run_bounded
from orders.setup import SetupStep, node_setup_steps


def workers_answering() -> list[str]:
    """The Celery workers that answer a ping within the health timeout."""
    from mrmarket.celery import app

    replies = app.control.ping(timeout=float(settings.HEALTH_CHECK_TIMEOUT_SECONDS) / 2)
    return sorted(name for reply in replies or [] for name in reply)


def _workers_step() -> SetupStep:
    try:
        workers = run_bounded(workers_answering)
    except Exception as exc:  # a broker that does not answer, or a ping that hangs
        workers, problem = [], exc.__class__.__name__
    else:
        problem = ""
    return SetupStep(
        "workers",
        "Workers seen recently (a ping answered)",
        bool(workers),
        ", ".join(workers) if workers else f"no worker answered {problem}".strip(),
        reverse("admin-setup"),
        required=False,
    )


def _beat_step() -> SetupStep:
    try:
        figures = beat_silence()
    except Exception as exc:  # the schedule table cannot be read
        figures = {"jobs": 0, "error": exc.__class__.__name__}
    silent = figures.get("silent_seconds")
    ok = bool(figures.get("jobs")) and silent is not None and silent < figures["limit_seconds"]
    if not figures.get("jobs"):
        detail = "no periodic job scheduled: run `manage.py setup_periodic_tasks`"
    elif silent is None:
        detail = "the beat has not run any job yet"
    else:
        detail = f"last job {silent:g} s past its period (limit {figures['limit_seconds']} s)"
    return SetupStep(
        "beat",
        "Beat seen recently (periodic jobs running)",
        ok,
        detail,
        reverse("admin:django_celery_beat_periodictask_changelist"),
        required=False,
    )


def _hufi_step() -> SetupStep:
    # The campaigns package is being built; its settings name the node's EVM key.
    address = getattr(settings, "HUFI_EVM_ADDRESS", "") or ""
    return SetupStep(
        "hufi",
        "HuFi campaigns: the node's EVM key (optional)",
        bool(address),
        address or "not configured: campaigns are off",
        "",
        required=False,
    )


def setup_guide_steps() -> list[SetupStep]:
    return [*node_setup_steps(), _workers_step(), _beat_step(), _hufi_step()]
