"""The simulator's control API: users, balances, payments, chain deposits, faults."""

import uuid
from decimal import Decimal

import httpx
import pytest

from mixin_kernel.invoice import PayRequest
from wallet.errors import MixinRejectedError, RejectReason
from wallet.invoices import InvoiceLeg, market_making_invoice

ASSET = str(uuid.uuid4())


def pay_url(bot_id: str, amount: str, trace_id: str | None = None, memo: str = "") -> str:
    return PayRequest(
        recipient_id=bot_id,
        asset_id=ASSET,
        amount=Decimal(amount),
        trace_id=trace_id or str(uuid.uuid4()),
        memo=memo,
    ).url()


def test_a_payment_moves_the_balance_to_the_bot_with_memo_and_trace(mixin_sim, mixin):
    payer = mixin_sim.user("Payer", **{ASSET: "5"})
    trace_id = str(uuid.uuid4())
    (snapshot_id,) = mixin_sim.pay(payer, pay_url(mixin.keystore.app_id, "2", trace_id, "hi"))

    assert mixin_sim.control("GET", f"/_sim/users/{payer}/balances") == {ASSET: "3"}
    (snapshot,) = mixin.snapshots(offset=None)
    assert snapshot["snapshot_id"] == snapshot_id
    assert (snapshot["amount"], snapshot["opponent_id"]) == ("2", payer)
    assert (snapshot["memo"], snapshot["request_id"]) == (b"hi".hex(), trace_id)


def test_paying_the_same_trace_twice_pays_once(mixin_sim, mixin):
    payer = mixin_sim.user("Payer", **{ASSET: "2"})
    url = pay_url(mixin.keystore.app_id, "2")
    assert mixin_sim.pay(payer, url) == mixin_sim.pay(payer, url)
    assert mixin_sim.control("GET", f"/_sim/users/{payer}/balances") == {ASSET: "0"}


def test_a_payment_beyond_the_balance_or_from_nobody_is_refused(mixin_sim, mixin):
    payer = mixin_sim.user("Payer", **{ASSET: "1"})
    short = mixin_sim.http.post(
        "/_sim/pay", json={"payer_id": payer, "url": pay_url(mixin.keystore.app_id, "2")}
    )
    assert short.json()["error"]["code"] == 20117
    nobody = mixin_sim.http.post(
        "/_sim/pay",
        json={"payer_id": str(uuid.uuid4()), "url": pay_url(mixin.keystore.app_id, "1")},
    )
    assert nobody.status_code == 404
    assert mixin.snapshots(offset=None) == []


def test_an_invoice_is_paid_entry_by_entry_or_not_at_all(mixin_sim, settings, keystore):
    settings.MIXIN_KEYSTORE = keystore
    quote = str(uuid.uuid4())
    payer = mixin_sim.user("Payer", **{ASSET: "10", quote: "5"})
    invoice = market_making_invoice(
        pair_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        legs=[
            InvoiceLeg(asset_id=uuid.UUID(ASSET), amount=Decimal("1"), trace_id=uuid.uuid4()),
            InvoiceLeg(asset_id=uuid.UUID(quote), amount=Decimal("9"), trace_id=uuid.uuid4()),
        ],
    )
    refused = mixin_sim.http.post("/_sim/pay", json={"payer_id": payer, "url": invoice.pay_url()})
    assert refused.json()["error"]["code"] == 20117
    assert mixin_sim.control("GET", f"/_sim/users/{payer}/balances") == {ASSET: "10", quote: "5"}

    mixin_sim.credit(payer, quote, "4")
    assert len(mixin_sim.pay(payer, invoice.encode())) == 2
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "1", quote: "9"}


def test_a_chain_transfer_to_an_unknown_address_is_not_a_deposit(mixin_sim):
    response = mixin_sim.http.post(
        "/_sim/chain/incoming",
        json={"asset_id": ASSET, "address": "0xnobody000", "amount": "1", "tx_hash": "aa"},
    )
    assert response.status_code == 404


def test_a_chain_deposit_is_credited_once_per_transaction_hash(mixin_sim, mixin):
    address = mixin.deposit_entries(chain_id=ASSET)[0]["destination"]
    body = {"asset_id": ASSET, "address": address, "amount": "3", "tx_hash": "cafe"}
    first = mixin_sim.control("POST", "/_sim/chain/incoming", body)
    assert mixin_sim.control("POST", "/_sim/chain/incoming", body) == first
    (snapshot,) = mixin.snapshots(offset=None)
    assert snapshot["deposit"]["deposit_hash"] == "cafe"
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "3"}


def test_a_fault_fires_as_many_times_as_asked(mixin_sim, mixin):
    mixin_sim.fault(path="/me", method="GET", kind="http_500", count=2)
    statuses = [httpx.get(f"{mixin_sim.url}/me").status_code for _ in range(3)]
    assert statuses == [500, 500, 401]
    unknown = mixin_sim.http.post("/_sim/faults", json={"kind": "meteor"})
    assert unknown.json()["error"]["code"] == 10002


def test_the_demo_page_and_the_consent_page_are_served(mixin_sim, keystore):
    assert "Pay URL or MIN invoice" in httpx.get(mixin_sim.url + "/").text
    consent = httpx.get(
        f"{mixin_sim.url}/oauth/authorize",
        params={"client_id": keystore.app_id, "return_to": "http://x/cb", "state": "s"},
    )
    assert consent.status_code == 200 and "Log in with Mixin" in consent.text


@pytest.mark.django_db
def test_the_simulator_has_no_access_to_the_product_database(mixin_sim):
    """Its state is its own: the product's tables stay empty when it takes payments."""
    from wallet.models import MixinSnapshot

    payer = mixin_sim.user("Payer", **{ASSET: "1"})
    mixin_sim.pay(payer, pay_url(mixin_sim.world.bot.app_id, "1"))
    assert not MixinSnapshot.objects.exists()


def test_a_malformed_parameter_is_an_invalid_field_not_a_crash(mixin):
    with pytest.raises(MixinRejectedError) as refused:
        mixin.outputs(members_hash="00", threshold=1, asset=None, limit="many")
    assert refused.value.reason == RejectReason.INVALID_FIELD
