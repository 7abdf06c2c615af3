from tests.exchanges.venue_fixtures import (  # noqa: F401 - fixtures
    venue_clock,
    venue_control,
    venue_trader,
    venue_url,
)
