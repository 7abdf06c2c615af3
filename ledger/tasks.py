import logging

from celery import shared_task

from core.jobs import MrMarketTask
from ledger.checks import ledger_check_run

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask)  # type: ignore[untyped-decorator]  # celery ships no types
def ledger_check(*, trace_id: str | None = None) -> bool:
    """Periodic: the ledger's invariants, recorded for the status page."""
    run, _violations = ledger_check_run()
    log = logger.info if run.ok else logger.error
    log("ledger check", extra={"ok": run.ok, "violations": run.violations})
    return run.ok
