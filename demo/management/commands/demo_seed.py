import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.campaigns import demo_campaign_seed
from demo.services import (
    DEMO_MIXIN_USER_NAME,
    SimulatorsNotReady,
    demo_mixin_configure,
    demo_product_seed,
    demo_venue_configure,
    simulators_wait,
)


class Command(BaseCommand):
    help = (
        "Configure the demo's simulators and the product to match (idempotent): the venue "
        "account, coins and markets, the Mixin demo user and its funds, the simulated "
        "exchange with its key and pairs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue-url", default="http://127.0.0.1:8101")
        parser.add_argument("--mixin-url", default=settings.MIXIN_API_BASE)
        parser.add_argument("--web-url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--hufi-url",
            default="",
            help="The HuFi simulator: adds the demo's XIN/USDT campaign (none when empty).",
        )
        parser.add_argument(
            "--wait", type=float, default=60, help="Seconds to wait for the simulators."
        )
        parser.add_argument(
            "--stay",
            action="store_true",
            help="Idle after seeding until stopped (honcho stops every process when one ends).",
        )

    def handle(self, *args: object, **options: object) -> None:
        venue_url, mixin_url = str(options["venue_url"]), str(options["mixin_url"])
        hufi_url = str(options["hufi_url"]).rstrip("/")
        try:
            simulators_wait(
                urls=[venue_url, mixin_url, *([hufi_url] if hufi_url else [])],
                timeout_s=float(options["wait"]),
            )
            demo_venue_configure(venue_url=venue_url)
            demo_mixin_configure(mixin_url=mixin_url)
        except SimulatorsNotReady as error:
            raise CommandError(str(error)) from None
        api_key = demo_product_seed(venue_url=venue_url)
        if api_key.validation_status != api_key.ValidationStatus.VALID:
            raise CommandError(
                f"The venue refused the demo key: {api_key.validation_error or 'no answer'}"
            )
        if hufi_url:
            demo_campaign_seed(hufi_url=hufi_url, venue_url=venue_url, trading_key=api_key)
        web = str(options["web_url"]).rstrip("/")
        self.stdout.write(
            self.style.SUCCESS("Demo ready. Try the loop:")
            + f"""
  1. Open {web}/ and click "Log in with Mixin".
  2. On the Mixin simulator's page pick "{DEMO_MIXIN_USER_NAME}" and authorize.
  3. Click "New order": pick XIN/USDT, a preset, amounts (e.g. 2 XIN and 300 USDT) and
     the overrides the preset asks for (every preset needs order_amount, e.g. 0.2), try
     the dry run, then create the order.
  4. On the payment page follow "pay it on the Mixin simulator's page", pick the demo user
     and click Pay. The payment page follows the order until it is running.
  5. On the order page watch the timeline, legs and ledger balances; pause, resume, stop,
     or exit to get the funds paid back to the demo user on the simulator.
"""
        )
        if options["stay"]:
            threading.Event().wait()
