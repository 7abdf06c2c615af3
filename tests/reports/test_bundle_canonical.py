"""The bundle's canonical JSON is RFC 8785's, byte for byte (the `rfc8785` package is the
reference), and its reader refuses what canonical JSON of a bundle could not hold."""

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

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


# JSON documents of the bundle's subset: text keys (in the Basic Multilingual Plane, where
# code point and UTF-16 order agree), any text, integers within ±(2^53 − 1), booleans, null.
_KEYS = st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
    | st.text(alphabet=st.characters(codec="utf-8"))
    | st.text(alphabet=st.characters(max_codepoint=0x20), max_size=4)  # control characters
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(_DOCUMENTS)
def test_random_documents_of_the_subset_encode_as_rfc8785(document):
    assert canonical_json(document) == rfc8785.dumps(document)
    assert strict_loads(canonical_json(document)) == document


@pytest.mark.parametrize("document", [{1: "one"}, {"a": "\ud800"}])
def test_the_encoder_refuses_keys_not_text_and_text_not_unicode(document):
    with pytest.raises(TypeError):
        canonical_json(document)
