"""The bot's balances as Mixin holds them: the sum of its unspent outputs per asset.

What the ledger's reconcile report compares with its `available` accounts.
"""

import uuid
from decimal import Decimal

from core.money import to_decimal
from wallet.client import MixinClient


def wallet_balances_fetch(*, client: MixinClient) -> dict[uuid.UUID, Decimal]:
    balances: dict[uuid.UUID, Decimal] = {}
    for output in client.unspent_outputs(asset=None):
        asset = uuid.UUID(output["asset_id"])
        balances[asset] = balances.get(asset, Decimal(0)) + to_decimal(output["amount"])
    return balances
