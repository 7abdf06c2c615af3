"""API tokens for clients that are not browsers: issued by the Mixin login, stored hashed,
sent as `Authorization: Token <token>` (the header DRF's own token scheme uses)."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from wallet.models import ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: AbstractBaseUser) -> str:
    """A new token for the user, replacing the one before (only its hash was kept)."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.update_or_create(user=user, defaults={"key_hash": _digest(token)})
    return token


class HashedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, None]:
        row = ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not row.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return row.user, None
