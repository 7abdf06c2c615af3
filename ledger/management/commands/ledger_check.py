import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.checks import ledger_check_run


class Command(BaseCommand):
    help = (
        "Verify every ledger invariant over the whole database and record the run for the "
        "status page; exit 1 listing the violations, 0 when the ledger is sound."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        _run, violations = ledger_check_run()
        if options["json"]:
            result = {"ok": not violations, "violations": [asdict(v) for v in violations]}
            self.stdout.write(json.dumps(result, indent=2))
        elif violations:
            for violation in violations:
                detail = " ".join(f"{key}={value}" for key, value in violation.detail.items())
                self.stdout.write(f"{violation.kind}: {detail}")
        else:
            self.stdout.write("ledger ok: every invariant holds")
        if violations:
            raise CommandError(f"ledger_check found {len(violations)} violation(s)")
