"""`manage.py mixin_tx --decode` and `mixin_invoice --decode` print what a payment holds."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.wallet import mixin_vectors as vectors


def _run(command: str, value: str) -> dict:
    out = io.StringIO()
    call_command(command, "--decode", value, stdout=out)
    return json.loads(out.getvalue())


def test_mixin_tx_prints_hash_outputs_and_withdrawal():
    printed = _run("mixin_tx", vectors.WITHDRAWAL_TX_RAW)

    assert printed["version"] == 5
    assert len(printed["hash"]) == 64
    assert len(printed["inputs"]) == 7
    assert printed["outputs"][0]["type"] == 0xA1
    assert printed["outputs"][0]["amount"] == "45000.00000000"
    assert printed["outputs"][0]["withdrawal"]["address"].startswith("4KE9w4tne")
    assert printed["outputs"][1]["script"] == "fffe01"
    assert printed["signatures"] == []


def test_mixin_tx_hash_is_the_kernel_payload_hash():
    printed = _run("mixin_tx", vectors.REFERENCES_TX_PAYLOAD)

    assert printed["hash"] == "f6f8c5fd92dfd697efa4903d70038577391514fd6ad2dfc4984ca072540b5612"
    assert printed["asset"] == "a99c2e0e2b1da4d648755ef19bd95139acbbe6564cfb06dec7cd34931ca72cdc"


def test_mixin_invoice_prints_recipient_and_entries_from_a_pay_url():
    printed = _run("mixin_invoice", "https://mixin.one/pay/" + vectors.TWO_ENTRY_INVOICE)

    assert printed["recipient"]["address"] == vectors.MIX_SEVEN_UUIDS
    assert printed["recipient"]["threshold"] == 4
    assert [e["amount"] for e in printed["entries"]] == ["0.12345678", "0.23345678"]
    assert printed["entries"][0]["extra_text"] == "extra one"
    assert printed["entries"][1]["index_references"] == [0]
    assert printed["entries"][1]["hash_references"] == [
        "4a5f79c76872524c6a4a81b174338584e790f09fb059c39cf2a894de1b3c31c6"
    ]


@pytest.mark.parametrize(("command", "value"), [("mixin_tx", "7777"), ("mixin_invoice", "MINxyz")])
def test_garbage_is_a_command_error(command, value):
    with pytest.raises(CommandError, match="not a"):
        call_command(command, "--decode", value, stdout=io.StringIO())
