from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from orders import models

        auditlog.register(models.StrategyPreset)
        auditlog.register(models.FundsLoopConfig)

        # Log lines of work on an order name its exchange (core.context).
        from core import context

        def exchange_of_order(order_id: str) -> dict[str, object]:
            name = (
                models.MarketMakingOrder.objects.filter(pk=order_id)
                .values_list("pair__exchange__name", flat=True)
                .first()
            )
            return {"exchange": name} if name else {}

        context.resolver_register("order_id", exchange_of_order)
