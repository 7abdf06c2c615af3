from django.apps import AppConfig


class SimulatorsConfig(AppConfig):
    """Stand-ins for the outside world (venue, Mixin); only their run commands need Django."""

    name = "simulators"
