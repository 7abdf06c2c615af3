import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from strategy import StrategyInputError, validate_params
from strategy.preview import (
    balances_from_dict,
    market_snapshot_from_dict,
    preview,
    preview_report,
)


def _read_json(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise CommandError(f"{path} is not valid JSON: {error}") from None


class Command(BaseCommand):
    help = (
        "Dry-run strategy parameters against a market and print the quotes a fresh order "
        "would place, and why any level would not be quoted. Touches no database or exchange."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--params", required=True, help="Strategy parameters (JSON file).")
        parser.add_argument(
            "--market",
            required=True,
            help='Market JSON: {"bids", "asks", "last_price", "tick_size", "step_size", '
            '"min_notional"}.',
        )
        parser.add_argument("--balances", help='Balances JSON: {"base", "quote"} (optional).')

    def handle(self, *args: object, **options: str) -> None:
        try:
            params = validate_params(_read_json(options["params"]))
            snapshot = market_snapshot_from_dict(_read_json(options["market"]))
            balances = None
            if options.get("balances"):
                balances = balances_from_dict(_read_json(options["balances"]))
        except StrategyInputError as error:
            raise CommandError(json.dumps({"errors": error.errors}, indent=2)) from None
        decision = preview(params=params, snapshot=snapshot, balances=balances, now=timezone.now())
        self.stdout.write(json.dumps(preview_report(decision), indent=2))
