"""Mixin OAuth login: code → access token → /me → a Django user linked to the Mixin id."""

import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from wallet.client import MixinClient
from wallet.errors import WalletNotConfiguredError
from wallet.models import MixinUser

logger = logging.getLogger(__name__)

OAUTH_SCOPE = "PROFILE:READ"


def oauth_authorize_url(*, return_to: str, state: str) -> str:
    if settings.MIXIN_KEYSTORE is None:
        raise WalletNotConfiguredError(_("The Mixin wallet has no keystore."))
    query = urlencode(
        {
            "client_id": settings.MIXIN_KEYSTORE.app_id,
            "scope": OAUTH_SCOPE,
            "response_type": "code",
            "return_to": return_to,
            "state": state,
        }
    )
    return f"{settings.MIXIN_OAUTH_BASE.rstrip('/')}/oauth/authorize?{query}"


def mixin_login(
    *, code: str, client: MixinClient, link_to: AbstractBaseUser | None = None
) -> MixinUser:
    """The Mixin user who granted `code`, created on first login or linked to `link_to`."""
    token = client.oauth_token(code=code)
    profile = client.me_with_access_token(str(token["access_token"]))
    try:
        return _mixin_user_upsert(profile=profile, link_to=link_to)
    except IntegrityError:
        logger.info("a concurrent first login of this Mixin user won; using its user")
        return _mixin_user_upsert(profile=profile, link_to=link_to)


@transaction.atomic
def _mixin_user_upsert(*, profile: dict, link_to: AbstractBaseUser | None) -> MixinUser:
    mixin_user_id = uuid.UUID(str(profile["user_id"]))
    details = {
        "full_name": str(profile.get("full_name") or "")[:200],
        "identity_number": str(profile.get("identity_number") or "")[:32],
        "avatar_url": str(profile.get("avatar_url") or "")[:500],
        "last_login_at": timezone.now(),
    }
    existing = MixinUser.objects.select_for_update().filter(mixin_user_id=mixin_user_id).first()
    if existing is not None:
        if link_to is not None and existing.user_id != link_to.pk:
            raise ConflictError(
                _("This Mixin account is already linked to another user."),
                code="mixin_account_linked",
            )
        MixinUser.objects.filter(pk=existing.pk).update(**details)
        existing.refresh_from_db()
        return existing
    if link_to is not None and MixinUser.objects.filter(user_id=link_to.pk).exists():
        raise ConflictError(
            _("You are logged in with another Mixin account; log out first to switch accounts."),
            code="mixin_account_switch",
        )
    if link_to is None:
        user_model = get_user_model()
        link_to = user_model(
            username=f"mixin-{mixin_user_id}", first_name=details["full_name"][:150]
        )
        link_to.set_unusable_password()
        link_to.save()
    mixin_user = MixinUser.objects.create(user=link_to, mixin_user_id=mixin_user_id, **details)
    logger.info("linked a Mixin user", extra={"user_id": link_to.pk})
    return mixin_user
