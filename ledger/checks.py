"""Running the ledger's invariant check and keeping its result for the status page."""

from dataclasses import asdict

from django.utils import timezone

from ledger.models import LedgerCheckRun
from ledger.selectors import Violation, ledger_violations

# Enough to start an investigation; the command lists them all.
KEPT_VIOLATIONS = 20


def ledger_check_run() -> tuple[LedgerCheckRun, list[Violation]]:
    """Check every invariant and record the run."""
    violations = ledger_violations()
    run = LedgerCheckRun.objects.create(
        ran_at=timezone.now(),
        ok=not violations,
        violations=len(violations),
        detail=[asdict(v) for v in violations[:KEPT_VIOLATIONS]],
    )
    return run, violations
