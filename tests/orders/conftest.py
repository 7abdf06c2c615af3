from tests.demo_world import demo_world  # noqa: F401
