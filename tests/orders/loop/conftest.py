from tests.orders.loop.harness import world  # noqa: F401 - fixture
