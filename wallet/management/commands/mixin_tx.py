import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mixin_kernel.decoding import decode_transaction_hex, transaction_as_json
from mixin_kernel.errors import MixinCodecError


class Command(BaseCommand):
    help = "Decode a raw kernel transaction (hex) and print it as JSON, hash included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--decode", required=True, metavar="HEX", help="raw transaction")

    def handle(self, *args: object, **options: object) -> None:
        try:
            tx = decode_transaction_hex(str(options["decode"]).strip())
        except MixinCodecError as exc:
            raise CommandError(f"not a kernel transaction: {exc}") from exc
        self.stdout.write(json.dumps(transaction_as_json(tx), indent=2))
