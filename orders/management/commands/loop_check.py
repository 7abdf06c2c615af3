import json
from dataclasses import asdict
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.loop_checks import DEFAULT_STALE_AFTER, loop_findings


class Command(BaseCommand):
    help = (
        "Find funds-loop work that stopped: incoming Mixin snapshots neither booked nor "
        "refunded, and orders awaiting payment long after their expiry. Exit 1 listing "
        "them, 0 when there are none. Read-only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-after",
            type=int,
            default=int(DEFAULT_STALE_AFTER.total_seconds()),
            help="Seconds after which unfinished work counts as stuck (default %(default)s).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        stale_after = timedelta(seconds=int(str(options["stale_after"])))
        findings = loop_findings(stale_after=stale_after)
        if options["json"]:
            result = {"ok": not findings, "findings": [asdict(f) for f in findings]}
            self.stdout.write(json.dumps(result, indent=2))
        elif findings:
            for finding in findings:
                detail = " ".join(f"{key}={value}" for key, value in finding.detail.items())
                self.stdout.write(f"{finding.kind}: {detail}")
        else:
            self.stdout.write("loop ok: no snapshot or order is stuck")
        if findings:
            raise CommandError(f"loop_check found {len(findings)} stuck item(s)")
