"""MIN invoices encode and decode exactly as bot-api-go-client's invoice_test.go."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixin_kernel.errors import (
    ChecksumMismatchError,
    InvalidAmountError,
    MalformedEncodingError,
)
from mixin_kernel.invoice import (
    XIN_ASSET_ID,
    Invoice,
    InvoiceEntry,
    MixAddress,
    decode_invoice,
    decode_mix_address,
    parse_pay_url,
    storage_cost,
)
from tests.wallet import mixin_vectors as vectors

BTC = "c6d0c728-2624-429b-8e0d-d9d19b6592fa"
ETH = "43d61dcd-e413-450d-80b8-101d5e903357"
REF1 = bytes.fromhex("7ecf9fc49ff4d2e36424b8e53e67aed8cc4e9d08d7cbdca7d8bdb153ed2fcdde")
REF2 = bytes.fromhex("4a5f79c76872524c6a4a81b174338584e790f09fb059c39cf2a894de1b3c31c6")


def _two_entry_invoice() -> Invoice:
    return Invoice(
        recipient=decode_mix_address(vectors.MIX_SEVEN_UUIDS),
        entries=(
            InvoiceEntry(
                trace_id="772e6bef-3bff-4fcc-987d-29bafca74d63",
                asset_id=BTC,
                amount=Decimal("0.12345678"),
                extra=b"extra one",
                hash_references=(REF1,),
            ),
            InvoiceEntry(
                trace_id="3552d116-b29d-4d72-9b24-3ca3b2e0f9c2",
                asset_id=ETH,
                amount=Decimal("0.23345678"),
                extra=b"extra two",
                index_references=(0,),
                hash_references=(REF2,),
            ),
        ),
    )


def test_two_entry_invoice_matches_the_go_vector():
    invoice = _two_entry_invoice()

    assert invoice.encode() == vectors.TWO_ENTRY_INVOICE
    assert invoice.pay_url() == "https://mixin.one/pay/" + vectors.TWO_ENTRY_INVOICE


def test_two_entry_invoice_decodes_to_its_entries():
    decoded = decode_invoice(vectors.TWO_ENTRY_INVOICE)

    assert decoded == _two_entry_invoice()
    assert decoded.recipient.encode() == vectors.MIX_SEVEN_UUIDS
    assert decoded.entries[1].index_references == (0,)
    assert f"{decoded.entries[0].amount:f}" == "0.12345678"


def test_storage_invoice_from_the_go_test_decodes_and_reencodes():
    decoded = decode_invoice(vectors.STORAGE_INVOICE)

    assert decoded.recipient.threshold == 2
    assert [e.asset_id for e in decoded.entries] == [
        XIN_ASSET_ID,
        "965e5c6e-434c-3fa9-b780-c50f43cd955c",
        XIN_ASSET_ID,
    ]
    assert decoded.entries[0].is_storage
    assert len(decoded.entries[0].extra) == 710
    assert decoded.entries[2].index_references == (0, 1)
    assert decoded.encode() == vectors.STORAGE_INVOICE


def test_storage_cost_is_charged_per_started_kilobyte():
    assert [storage_cost(n) for n in (255, 256, 512, 1024, 1025)] == [
        Decimal("0.0001"),
        Decimal("0.0001"),
        Decimal("0.0001"),
        Decimal("0.0002"),
        Decimal("0.0002"),
    ]


def test_pay_url_of_an_invoice_parses_back():
    invoice = _two_entry_invoice()

    assert parse_pay_url(invoice.pay_url()) == invoice


def test_a_corrupted_invoice_fails_its_checksum():
    text = vectors.TWO_ENTRY_INVOICE
    corrupted = text[:40] + ("A" if text[40] != "A" else "B") + text[41:]

    with pytest.raises(ChecksumMismatchError):
        decode_invoice(corrupted)


@pytest.mark.parametrize(
    "text",
    ["MIX" + vectors.TWO_ENTRY_INVOICE[3:], "MIN!!!!", "MINAAAA"],
    ids=["wrong prefix", "not base64url", "too short"],
)
def test_malformed_invoices_are_refused(text):
    with pytest.raises(MalformedEncodingError):
        decode_invoice(text)


def _entry(**changes):
    fields = {
        "trace_id": "772e6bef-3bff-4fcc-987d-29bafca74d63",
        "asset_id": BTC,
        "amount": Decimal("1"),
    }
    fields.update(changes)
    return InvoiceEntry(**fields)


def test_entry_validation():
    with pytest.raises(InvalidAmountError):
        _entry(amount=Decimal("0.000000001"))
    with pytest.raises(InvalidAmountError):
        _entry(amount=Decimal("0"))
    with pytest.raises(MalformedEncodingError, match="at most 255"):
        _entry(extra=bytes(256))
    with pytest.raises(MalformedEncodingError, match="too many references"):
        _entry(hash_references=(REF1,) * 17)
    with pytest.raises(MalformedEncodingError):
        _entry(trace_id="not-a-uuid")
    assert _entry(extra=bytes(255)).extra == bytes(255)


def test_entries_may_only_reference_earlier_entries():
    recipient = MixAddress(members=(BTC,), threshold=1)

    with pytest.raises(MalformedEncodingError, match="earlier entries"):
        Invoice(recipient=recipient, entries=(_entry(index_references=(0,)),))
    with pytest.raises(MalformedEncodingError):
        Invoice(recipient=recipient, entries=())


uuids = st.uuids().map(str)
entries = st.builds(
    InvoiceEntry,
    trace_id=uuids,
    asset_id=uuids,
    amount=st.integers(min_value=1, max_value=10**20).map(lambda units: Decimal(units) / 10**8),
    extra=st.binary(max_size=255),
    hash_references=st.lists(st.binary(min_size=32, max_size=32), max_size=3).map(tuple),
)


@st.composite
def invoices(draw):
    drawn = draw(st.lists(entries, min_size=1, max_size=5))
    linked = [
        InvoiceEntry(
            trace_id=e.trace_id,
            asset_id=e.asset_id,
            amount=e.amount,
            extra=e.extra,
            index_references=tuple(draw(st.sets(st.integers(0, position - 1)))) if position else (),
            hash_references=e.hash_references,
        )
        for position, e in enumerate(drawn)
    ]
    members = tuple(draw(st.lists(uuids, min_size=1, max_size=4)))
    threshold = draw(st.integers(1, len(members)))
    return Invoice(
        recipient=MixAddress(members=members, threshold=threshold), entries=tuple(linked)
    )


@given(invoices())
def test_any_invoice_survives_an_encode_decode_round_trip(invoice):
    assert decode_invoice(invoice.encode()) == invoice
    assert parse_pay_url(invoice.pay_url()) == invoice
