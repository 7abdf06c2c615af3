from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from campaigns.models import Campaign, HufiIdentity, JoinSwitch

        auditlog.register(JoinSwitch)
        # Only what an operator edits; the sync job's refreshes are not audit events.
        auditlog.register(Campaign, include_fields=["joining_enabled"])
        auditlog.register(
            HufiIdentity, include_fields=["read_key"], exclude_fields=["private_key_encrypted"]
        )
