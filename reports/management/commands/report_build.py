"""Write an order's signed execution report bundle, and its CSV export beside it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from orders.models import MarketMakingOrder
from reports.bundle.build import bundle_sign, report_document
from reports.bundle.csv_export import bundle_csv_zip
from reports.bundle.window import report_window


class Command(BaseCommand):
    help = "Build the execution report bundle of ORDER for [--from, --to) into --out FILE."

    def add_arguments(self, parser):
        parser.add_argument("order", help="the order's id")
        parser.add_argument("--from", dest="since", help="ISO 8601 (default: order created)")
        parser.add_argument("--to", dest="until", help="ISO 8601 (default: now)")
        parser.add_argument("--out", required=True, help="the bundle file; FILE.csv.zip beside")

    def handle(self, *args, order, since, until, out, **options):
        found = MarketMakingOrder.objects.filter(pk=order).first()
        if found is None:
            raise CommandError(f"there is no order {order}")
        try:
            start, end = report_window(order=found, since=since, until=until)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        report = report_document(order=found, since=start, until=end)
        bundle = bundle_sign(report)
        path = Path(out)
        path.write_bytes(bundle.content)
        zip_path = path.with_name(path.name + ".csv.zip")
        zip_path.write_bytes(bundle_csv_zip(report, sha256=bundle.sha256))
        self.stdout.write(f"{path} sha256 {bundle.sha256} (CSV: {zip_path})")
