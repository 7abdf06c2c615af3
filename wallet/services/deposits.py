"""The bot's deposit addresses, one per chain, so funds can come back from an exchange."""

import uuid

from django.db import transaction

from core.errors import RetryableError
from wallet.client import MixinClient
from wallet.models import DepositEntry
from wallet.selectors import deposit_entry_stored


@transaction.atomic
def deposit_entry_store(*, chain_id: uuid.UUID, entry: dict) -> DepositEntry:
    stored, _ = DepositEntry.objects.update_or_create(
        chain_id=chain_id,
        defaults={
            "entry_id": str(entry.get("entry_id") or ""),
            "destination": str(entry["destination"]),
            "tag": str(entry.get("tag") or ""),
        },
    )
    return stored


def deposit_entry_for_chain(*, chain_id: uuid.UUID, client: MixinClient) -> DepositEntry:
    """The stored deposit address for `chain_id`, asking Mixin the first time."""
    stored = deposit_entry_stored(chain_id=chain_id)
    if stored is not None:
        return stored
    entries = client.deposit_entries(chain_id=str(chain_id))
    primary = next((e for e in entries if e.get("is_primary")), entries[0] if entries else None)
    if primary is None or not primary.get("destination"):
        raise RetryableError(f"Mixin has no deposit address for chain {chain_id} yet.")
    return deposit_entry_store(chain_id=chain_id, entry=primary)
