import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core import context
from core.crypto import encrypt_secret, rotate_secret
from core.errors import ApplicationError
from exchanges.models import Exchange, ExchangeAPIKey

logger = logging.getLogger(__name__)


def api_key_request_validation(*, api_key: ExchangeAPIKey) -> None:
    """Ask the exchange about the key once the current transaction commits."""
    from exchanges.tasks import api_key_validate

    trace_id = context.current_trace_id() or context.new_trace_id()
    transaction.on_commit(lambda: api_key_validate.delay(api_key_id=api_key.pk, trace_id=trace_id))


def api_keys_revalidate_unknown(*, exchange: Exchange) -> int:
    """Ask again about the exchange's keys that could not tell whether a deposit address is
    readable: a pair or a network mapping saved on the exchange gives them a route to try,
    so the operator does not wait for the hourly revalidation (or press "validate now")."""
    keys = [
        key
        for key in ExchangeAPIKey.objects.filter(exchange=exchange, enabled=True).exclude(
            validation_status=ExchangeAPIKey.ValidationStatus.PENDING  # already asked
        )
        if "deposit_address" in key.loop_permissions().unknown
    ]
    for key in keys:
        api_key_request_validation(api_key=key)
    return len(keys)


def _api_key_taken(exchange: Exchange) -> ApplicationError:
    # Names neither the key nor its secret: the caller knows which key they sent.
    return ApplicationError(
        _("%(exchange)s already has this API key stored; update that key instead.")
        % {"exchange": exchange},
        code="api_key_taken",
        detail={"api_key": [_("This key is already stored for this exchange.")]},
    )


# The transaction is opened inside: a decorator's frame would show the arguments, the
# credential among them, on an error report.
@sensitive_variables("api_key", "secret", "key")
def api_key_create(
    *,
    exchange: Exchange,
    label: str,
    api_key: str,
    secret: str,
    permission: str = ExchangeAPIKey.Permission.READ_TRADE,
) -> ExchangeAPIKey:
    if not secret:
        raise ApplicationError(_("An API key needs its secret."), code="secret_required")
    with transaction.atomic():
        if ExchangeAPIKey.objects.filter(exchange=exchange, label=label).exists():
            raise ApplicationError(
                _("%(exchange)s already has a key labelled %(label)r.")
                % {"exchange": exchange, "label": label},
                code="api_key_label_taken",
                detail={"label": label},
            )
        if ExchangeAPIKey.objects.filter(exchange=exchange, api_key=api_key).exists():
            raise _api_key_taken(exchange)
        key = ExchangeAPIKey(exchange=exchange, label=label, api_key=api_key, permission=permission)
        api_key_set_secret(api_key=key, secret=secret)
        try:
            with transaction.atomic():
                key.save()
        except IntegrityError:
            raise _api_key_taken(exchange) from None  # the same key stored a moment ago
        logger.info("stored an exchange API key", extra={"api_key_id": key.pk})
        api_key_request_validation(api_key=key)
    return key


@sensitive_variables("secret")
def api_key_set_secret(*, api_key: ExchangeAPIKey, secret: str) -> None:
    """Put a new secret on an (unsaved or saved) key; it is `pending` until validated."""
    api_key.secret_encrypted = encrypt_secret(secret)
    api_key.validation_status = ExchangeAPIKey.ValidationStatus.PENDING
    api_key.validation_error = ""
    api_key.validated_at = None
    api_key.can_trade = None
    api_key.permission_report = {}


def api_key_record_validation(
    *,
    api_key_id: int,
    status: str,
    can_trade: bool | None,
    permission_report: dict[str, bool | None],
    error: str = "",
) -> None:
    ExchangeAPIKey.objects.filter(pk=api_key_id).update(
        validation_status=status,
        validation_error=error[:2000],
        can_trade=can_trade,
        permission_report=permission_report,
        validated_at=timezone.now(),
    )


def api_keys_rotate_encryption() -> int:
    """Re-encrypt every stored secret under the newest FIELD_ENCRYPTION_KEYS key."""
    rotated = 0
    for key_id in ExchangeAPIKey.objects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            key = ExchangeAPIKey.objects.select_for_update().get(pk=key_id)
            key.secret_encrypted = rotate_secret(key.secret_encrypted)
            key.save(update_fields=["secret_encrypted"])
            rotated += 1
    return rotated
