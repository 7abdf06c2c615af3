from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from simulators.mixin.records import BotIdentity
from simulators.mixin.server import SimServer
from simulators.mixin.state import SimWorld


class Command(BaseCommand):
    help = "Serve the Mixin simulator for the bot in MIXIN_KEYSTORE (its own in-memory state)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8102)
        parser.add_argument(
            "--peer-url", default=None, help="Venue simulator that receives chain withdrawals."
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.MIXIN_KEYSTORE is None:
            raise CommandError("Set MIXIN_KEYSTORE or MIXIN_KEYSTORE_FILE (or run with DEBUG).")
        world = SimWorld(
            BotIdentity.from_keystore(settings.MIXIN_KEYSTORE), peer_url=options["peer_url"]
        )
        server = SimServer((options["host"], options["port"]), world)
        self.stdout.write(
            f"Mixin simulator for bot {world.bot.app_id} on "
            f"http://{options['host']}:{server.server_address[1]}"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
