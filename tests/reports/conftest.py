from tests.exchanges.venue_fixtures import (  # noqa: F401 - fixtures
    venue_clock,
    venue_control,
    venue_trader,
    venue_url,
)
from tests.orders.loop.harness import world  # noqa: F401 - the simulators and workers' world
