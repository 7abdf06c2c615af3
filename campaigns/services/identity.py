"""The node's EVM identities toward HuFi: created on first need, keys kept encrypted."""

from django.db import IntegrityError, transaction
from eth_account import Account

from campaigns.hufi import HufiApi, hufi_client, login_signature
from campaigns.models import HufiIdentity
from core.crypto import decrypt_secret, encrypt_secret
from exchanges.models import ExchangeAPIKey


class IdentitySigner:
    """`HufiSigner` over a stored identity: signs with the decrypted key, keeps the
    oracle's tokens encrypted on the row."""

    def __init__(self, identity: HufiIdentity) -> None:
        self.identity = identity

    @property
    def address(self) -> str:
        return self.identity.address

    def sign_login(self, nonce: str) -> str:
        return login_signature(
            private_key=decrypt_secret(self.identity.private_key_encrypted), nonce=nonce
        )

    def tokens_load(self) -> tuple[str, str] | None:
        if not self.identity.access_token_encrypted:
            return None
        return (
            decrypt_secret(self.identity.access_token_encrypted),
            decrypt_secret(self.identity.refresh_token_encrypted),
        )

    def tokens_save(self, access_token: str, refresh_token: str) -> None:
        self.identity.access_token_encrypted = encrypt_secret(access_token)
        self.identity.refresh_token_encrypted = encrypt_secret(refresh_token)
        HufiIdentity.objects.filter(pk=self.identity.pk).update(
            access_token_encrypted=self.identity.access_token_encrypted,
            refresh_token_encrypted=self.identity.refresh_token_encrypted,
        )


def identity_for_account(*, trading_key: ExchangeAPIKey) -> HufiIdentity:
    """The identity of one exchange account, with a new EVM key the first time."""
    existing = HufiIdentity.objects.filter(trading_key=trading_key).first()
    if existing is not None:
        return existing
    account = Account.create()
    try:
        with transaction.atomic():
            return HufiIdentity.objects.create(
                trading_key=trading_key,
                address=account.address,
                private_key_encrypted=encrypt_secret("0x" + bytes(account.key).hex()),
            )
    except IntegrityError:
        return HufiIdentity.objects.get(trading_key=trading_key)


def identity_client(identity: HufiIdentity) -> HufiApi:
    return hufi_client(signer=IdentitySigner(identity))
