"""The node's EVM wallet that funds escrows of campaigns paid for on Mixin: created on
first need, its key kept encrypted (core.crypto) and used only to sign transfers."""

from django.db import IntegrityError, transaction
from eth_account import Account

from campaigns.hufi.login import transfer_signature
from campaigns.models import LaunchWallet
from core.crypto import decrypt_secret, encrypt_secret


def launch_wallet_get() -> LaunchWallet:
    existing = LaunchWallet.objects.filter(pk=LaunchWallet.SINGLETON_ID).first()
    if existing is not None:
        return existing
    account = Account.create()
    try:
        with transaction.atomic():
            return LaunchWallet.objects.create(
                address=account.address,
                private_key_encrypted=encrypt_secret("0x" + bytes(account.key).hex()),
            )
    except IntegrityError:
        return LaunchWallet.objects.get(pk=LaunchWallet.SINGLETON_ID)


def launch_wallet_sign(*, transfer: dict[str, object]) -> dict[str, object]:
    """`transfer` with the wallet's signature over its exact message."""
    wallet = launch_wallet_get()
    signature = transfer_signature(
        private_key=decrypt_secret(wallet.private_key_encrypted), transfer=transfer
    )
    return {**transfer, "signature": signature}
