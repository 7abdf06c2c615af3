from django.apps import AppConfig


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
