"""Print a pair's stability report (docs/methodology.md) as JSON; reads only."""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from exchanges.models import TradingPair
from reports.selectors import pair_stability
from reports.stability_api import StabilityOutputSerializer, stability_payload


def _moment(text: str) -> datetime:
    moment = parse_datetime(text)
    if moment is None or moment.tzinfo is None:
        raise CommandError(f"{text!r} is not an ISO 8601 time with a zone (e.g. 2026-01-01T00:00Z)")
    return moment


class Command(BaseCommand):
    help = "Print the stability figures of a pair for a window and each UTC day in it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pair", type=int, required=True, help="Trading pair id.")
        parser.add_argument("--from", dest="start", required=True, help="Window start (ISO).")
        parser.add_argument("--to", dest="end", required=True, help="Window end (ISO).")

    def handle(self, *args: object, **options: object) -> None:
        start, end = _moment(str(options["start"])), _moment(str(options["end"]))
        if start >= end:
            raise CommandError("--to must be after --from")
        pair = TradingPair.objects.select_related("exchange").filter(pk=options["pair"]).first()
        if pair is None:
            raise CommandError(f"no trading pair {options['pair']}")
        report = pair_stability(pair_id=pair.pk, start=start, end=end)
        payload = stability_payload(pair=pair, start=start, end=end, report=report)
        self.stdout.write(json.dumps(StabilityOutputSerializer(payload).data, indent=2))
