"""Payment requests paid to the bot: a market-making order's MIN invoice (one entry per
asset, each carrying the order's memo) and a campaign launch's (one entry, its memo)."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from mixin_kernel.invoice import Invoice, InvoiceEntry, MixAddress
from wallet.errors import WalletNotConfiguredError
from wallet.memo import (
    CampaignFundingMemo,
    MarketMakingMemo,
    campaign_funding_memo_encode,
    market_making_memo_encode,
)


@dataclass(frozen=True)
class InvoiceLeg:
    asset_id: uuid.UUID
    amount: Decimal
    trace_id: uuid.UUID


def bot_mix_address() -> MixAddress:
    if settings.MIXIN_KEYSTORE is None:
        raise WalletNotConfiguredError(_("The Mixin wallet has no keystore."))
    return MixAddress(members=(settings.MIXIN_KEYSTORE.app_id,), threshold=1)


def market_making_invoice(
    *, pair_id: uuid.UUID, order_id: uuid.UUID, legs: list[InvoiceLeg]
) -> Invoice:
    memo = market_making_memo_encode(MarketMakingMemo(pair_id=pair_id, order_id=order_id))
    return memo_invoice(memo=memo, legs=legs)


def campaign_funding_invoice(*, launch_id: uuid.UUID, leg: InvoiceLeg) -> Invoice:
    """The invoice of a HuFi campaign paid for on Mixin: one entry, the reward token."""
    memo = campaign_funding_memo_encode(
        CampaignFundingMemo(asset_id=leg.asset_id, launch_id=launch_id)
    )
    return memo_invoice(memo=memo, legs=[leg])


def memo_invoice(*, memo: str, legs: list[InvoiceLeg]) -> Invoice:
    """One entry per leg, each carrying `memo`, all paid to the bot."""
    return Invoice(
        recipient=bot_mix_address(),
        entries=tuple(
            InvoiceEntry(
                trace_id=str(leg.trace_id),
                asset_id=str(leg.asset_id),
                amount=leg.amount,
                extra=memo.encode(),
            )
            for leg in legs
        ),
    )


def invoice_pay_link(invoice: Invoice) -> str:
    """Where a user goes to pay: Mixin's pay URL, or, when MIXIN_OAUTH_BASE is not Mixin
    (the demo's simulator), the simulator's payment page with the invoice filled in."""
    pay_url = invoice.pay_url()
    if urlsplit(settings.MIXIN_OAUTH_BASE).netloc == urlsplit(pay_url).netloc:
        return pay_url
    return f"{settings.MIXIN_OAUTH_BASE.rstrip('/')}/?{urlencode({'url': pay_url})}"
