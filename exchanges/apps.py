from django.apps import AppConfig
from django.db.models import QuerySet


class ExchangesConfig(AppConfig):
    name = "exchanges"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from exchanges import models

        auditlog.register(models.Exchange)
        # The ciphertext stays out of the audit trail; the key itself is masked.
        auditlog.register(
            models.ExchangeAPIKey, exclude_fields=["secret_encrypted"], mask_fields=["api_key"]
        )
        auditlog.register(models.TradingPair)
        auditlog.register(models.NetworkMapping)

        # Log lines of work on a key or a market name its exchange (core.context).
        from core import context

        def exchange_of(rows: QuerySet) -> dict[str, object]:
            name = rows.values_list("exchange__name", flat=True).first()
            return {"exchange": name} if name else {}

        context.resolver_register(
            "api_key_id", lambda key: exchange_of(models.ExchangeAPIKey.objects.filter(pk=key))
        )
        context.resolver_register(
            "pair_id", lambda pair: exchange_of(models.TradingPair.objects.filter(pk=pair))
        )
