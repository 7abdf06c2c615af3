"""The bundle's canonical JSON is RFC 8785's, byte for byte (the `rfc8785` package is the
reference), and its reader refuses what canonical JSON of a bundle could not hold."""

import json

import pytest
import rfc8785

from reports.bundle.canonical import NotCanonicalInput, canonical_json, strict_loads
from tests.reports.world import traded_order, window_of

AWKWARD = {
    "z": ["tab\there", 'quote " and \\ backslash', "\u0001\u001f\u007f", "é ü 中文 😀"],
    "a": {"b": None, "a": True, "c": False, "n": -(2**53 - 1), "line\nkey": "\u2028"},
    "": [],
}


def test_awkward_strings_and_keys_encode_as_rfc8785():
    assert canonical_json(AWKWARD) == rfc8785.dumps(AWKWARD)


@pytest.mark.django_db(transaction=True)
def test_a_real_report_encodes_as_rfc8785():
    from reports.bundle.build import report_document

    _, order = traded_order()
    since, until = window_of(order)
    report = report_document(order=order, since=since, until=until)
    assert canonical_json(report) == rfc8785.dumps(report)


@pytest.mark.parametrize("text", ['{"a":1.5}', '{"a":1e3}', '{"a":NaN}', '{"a":-Infinity}'])
def test_the_reader_refuses_fractional_numbers(text):
    with pytest.raises(NotCanonicalInput):
        strict_loads(text.encode())


def test_the_reader_reads_what_the_encoder_wrote():
    assert strict_loads(canonical_json(AWKWARD)) == json.loads(json.dumps(AWKWARD))
