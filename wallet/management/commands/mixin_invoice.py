import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mixin_kernel.errors import MixinCodecError
from mixin_kernel.invoice import PAY_URL_BASE, decode_invoice, invoice_as_json


class Command(BaseCommand):
    help = "Decode a MIN invoice (or its https://mixin.one/pay/MIN… URL) and print it as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--decode", required=True, metavar="MIN…", help="invoice or pay URL")

    def handle(self, *args: object, **options: object) -> None:
        text = str(options["decode"]).strip().removeprefix(PAY_URL_BASE)
        try:
            invoice = decode_invoice(text)
        except MixinCodecError as exc:
            raise CommandError(f"not a MIN invoice: {exc}") from exc
        self.stdout.write(json.dumps(invoice_as_json(invoice), indent=2))
