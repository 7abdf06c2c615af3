from django.apps import AppConfig


class ExecutorConfig(AppConfig):
    name = "executor"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from executor.models import GlobalKillSwitch

        auditlog.register(GlobalKillSwitch)
