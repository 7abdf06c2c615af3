from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo seeding, and the scenario builders that tests, benchmarks and the demo share."""

    name = "demo"
