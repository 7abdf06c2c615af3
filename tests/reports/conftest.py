from tests.orders.loop.harness import world  # noqa: F401 - the simulators and workers' world
