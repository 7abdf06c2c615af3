import json
import signal
import threading
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from simulators.hufi.api import apply_setup
from simulators.hufi.server import serve
from simulators.hufi.world import HufiWorld


class Command(BaseCommand):
    help = "Run the HuFi simulator (campaign launcher + recording oracle + /_sim/ control API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8103)
        parser.add_argument("--seed", type=int, default=0, help="Makes addresses repeatable.")
        parser.add_argument(
            "--peer-url",
            default="",
            help="The Mixin simulator: rewards in a token with a Mixin asset id arrive there.",
        )
        parser.add_argument(
            "--venue-url",
            default="",
            help="The venue simulator, registered as the exchange named by --exchange-name.",
        )
        parser.add_argument("--exchange-name", default="binance")
        parser.add_argument(
            "--setup",
            type=Path,
            help="A JSON file of tokens, exchanges and campaigns (control API bodies).",
        )
        parser.add_argument(
            "--cycle-interval",
            type=float,
            default=5.0,
            help="Seconds between checks for ended cycles (0: only through the control API).",
        )

    def handle(self, *args: object, **options: object) -> None:
        world = HufiWorld(peer_url=str(options["peer_url"]), seed=int(options["seed"]))
        server, stop = serve(
            world=world,
            host=str(options["host"]),
            port=int(options["port"]),
            cycle_interval_s=float(options["cycle_interval"]),
        )
        if options["venue_url"]:
            world.exchange_register(
                {"name": options["exchange_name"], "api_base_url": options["venue_url"]}
            )
        if options["setup"]:
            setup = json.loads(Path(options["setup"]).read_text(), parse_float=Decimal)
            apply_setup(world, setup)
        self.stdout.write(f"hufi simulator listening on {world.base_url}")
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=stop).start())
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            stop()
