from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from orders import models

        auditlog.register(models.StrategyPreset)
        auditlog.register(models.FundsLoopConfig)
