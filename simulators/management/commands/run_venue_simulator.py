import json
import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from simulators.venue.control import apply_setup
from simulators.venue.server import serve
from simulators.venue.venue import Venue


class Command(BaseCommand):
    help = "Run the venue simulator (Binance Spot REST dialect + /_sim/ control API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8101)
        parser.add_argument("--seed", type=int, default=0, help="Makes the agents repeatable.")
        parser.add_argument(
            "--peer-url",
            default="",
            help="The Mixin simulator: completed withdrawals arrive there as chain transfers.",
        )
        parser.add_argument(
            "--setup",
            type=Path,
            help=(
                "A JSON file of coins, markets and accounts to create at start (the control "
                "API's bodies; see docs/venue-simulator.md), e.g. for the demo."
            ),
        )
        parser.add_argument(
            "--agent-interval",
            type=float,
            default=0.5,
            help="Seconds between the market agents' rounds (0: only when stepped).",
        )

    def handle(self, *args: object, **options: object) -> None:
        venue = Venue(seed=int(options["seed"]), peer_url=str(options["peer_url"]))
        if options["setup"]:
            apply_setup(venue, json.loads(Path(options["setup"]).read_text()))
        server, stop = serve(
            venue=venue,
            host=str(options["host"]),
            port=int(options["port"]),
            agent_interval_s=float(options["agent_interval"]),
        )
        host, port = server.server_address[:2]
        self.stdout.write(f"venue simulator listening on http://{host}:{port}")
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=stop).start())
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            stop()
