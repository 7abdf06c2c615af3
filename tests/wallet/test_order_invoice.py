"""An order's payment request: one MIN invoice entry per asset, each with the order memo."""

import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from mixin_kernel.invoice import decode_invoice, parse_pay_url
from wallet.invoices import InvoiceLeg, invoice_pay_link, market_making_invoice
from wallet.memo import market_making_memo_decode


def order_invoice():
    pair_id, order_id = uuid.uuid4(), uuid.uuid4()
    legs = [
        InvoiceLeg(asset_id=uuid.uuid4(), amount=Decimal("1.25"), trace_id=uuid.uuid4()),
        InvoiceLeg(asset_id=uuid.uuid4(), amount=Decimal("300"), trace_id=uuid.uuid4()),
    ]
    return (
        pair_id,
        order_id,
        legs,
        market_making_invoice(pair_id=pair_id, order_id=order_id, legs=legs),
    )


def test_each_leg_is_an_entry_paying_the_bot_with_the_order_memo(settings, keystore):
    settings.MIXIN_KEYSTORE = keystore
    pair_id, order_id, legs, invoice = order_invoice()

    decoded = decode_invoice(invoice.encode())

    assert decoded.recipient.members == (keystore.app_id,)
    assert [(e.asset_id, e.amount, e.trace_id) for e in decoded.entries] == [
        (str(leg.asset_id), leg.amount, str(leg.trace_id)) for leg in legs
    ]
    for entry in decoded.entries:
        memo = market_making_memo_decode(entry.extra.decode())
        assert (memo.pair_id, memo.order_id) == (pair_id, order_id)


def test_the_pay_link_is_mixins_url_or_the_simulators_page(settings, keystore):
    settings.MIXIN_KEYSTORE = keystore
    *_, invoice = order_invoice()

    settings.MIXIN_OAUTH_BASE = "https://mixin.one"
    assert invoice_pay_link(invoice) == invoice.pay_url()
    assert isinstance(parse_pay_url(invoice_pay_link(invoice)), type(invoice))

    settings.MIXIN_OAUTH_BASE = "http://127.0.0.1:8102"
    link = urlsplit(invoice_pay_link(invoice))
    assert link.netloc == "127.0.0.1:8102"
    assert parse_qs(link.query)["url"] == [invoice.pay_url()]
