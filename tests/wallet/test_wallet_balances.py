"""The bot's balances per asset, summed over every page of its unspent outputs."""

import uuid
from decimal import Decimal

import pytest

from wallet.balances import wallet_balances_fetch
from wallet.client import http_client as client_module
from wallet.models import MixinTransfer
from wallet.services.transfers import transfer_send

BASE, QUOTE = uuid.uuid4(), uuid.uuid4()


@pytest.mark.django_db
def test_balances_sum_the_unspent_outputs_across_pages(mixin, mixin_sim, monkeypatch):
    monkeypatch.setattr(client_module, "PAGE_LIMIT", 2)
    for amount in ("1", "2", "3"):
        mixin_sim.fund_bot(str(BASE), amount)
    mixin_sim.fund_bot(str(QUOTE), "7.5")
    transfer_send(
        purpose=MixinTransfer.Purpose.PAYOUT,
        idempotency_key="o9:payout:quote",
        asset_id=QUOTE,
        amount=Decimal("0.5"),
        receiver_ids=[uuid.UUID(mixin_sim.user("Owner"))],
        client=mixin,
    )

    assert wallet_balances_fetch(client=mixin) == {BASE: Decimal(6), QUOTE: Decimal(7)}
    assert len(mixin.unspent_outputs(asset=str(BASE))) == 3
