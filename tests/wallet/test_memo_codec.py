"""The market-making memo: round trip, the TypeScript layout, and a typed error per defect."""

import hashlib
import uuid

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wallet.memo import (
    MarketMakingAction,
    MarketMakingMemo,
    MemoActionError,
    MemoChecksumError,
    MemoEncodingError,
    MemoTradingTypeError,
    MemoVersionError,
    market_making_memo_decode,
    market_making_memo_encode,
    snapshot_memo_decode,
)

PAIR = uuid.UUID("6a4a121d-9673-4a7e-a93e-cb3ca4f2cff9")
ORDER = uuid.UUID("0b9e5e58-4b7b-4f5c-8d2a-52e3bb0fdc11")


def with_checksum(body: bytes) -> str:
    checksum = hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4]
    return base58.b58encode(body + checksum).decode()


@given(st.uuids(), st.uuids(), st.sampled_from(list(MarketMakingAction)))
def test_encode_then_decode_gives_the_memo_back(pair_id, order_id, action):
    memo = MarketMakingMemo(pair_id=pair_id, order_id=order_id, action=action)
    assert market_making_memo_decode(market_making_memo_encode(memo)) == memo


def test_the_layout_is_version_type_action_pair_order_then_double_sha256_checksum():
    raw = base58.b58decode(market_making_memo_encode(MarketMakingMemo(PAIR, ORDER)))
    assert raw[:3] == bytes([1, 1, 1])
    assert raw[3:19] == PAIR.bytes and raw[19:35] == ORDER.bytes
    assert raw[35:] == hashlib.sha256(hashlib.sha256(raw[:35]).digest()).digest()[:4]


def test_a_snapshot_memo_is_hex_of_the_memo_text():
    text = market_making_memo_encode(MarketMakingMemo(PAIR, ORDER))
    assert snapshot_memo_decode(text.encode().hex()).order_id == ORDER


@pytest.mark.parametrize(
    ("memo", "error"),
    [
        ("0OIl not base58", MemoEncodingError),
        (with_checksum(b"\x01\x01\x01" + PAIR.bytes), MemoEncodingError),
        (with_checksum(bytes([2, 1, 1]) + PAIR.bytes + ORDER.bytes), MemoVersionError),
        (with_checksum(bytes([1, 2, 1]) + PAIR.bytes + ORDER.bytes), MemoTradingTypeError),
        (with_checksum(bytes([1, 1, 9]) + PAIR.bytes + ORDER.bytes), MemoActionError),
    ],
)
def test_each_defect_has_its_own_error(memo, error):
    with pytest.raises(error):
        market_making_memo_decode(memo)


def test_a_changed_byte_breaks_the_checksum():
    raw = bytearray(base58.b58decode(market_making_memo_encode(MarketMakingMemo(PAIR, ORDER))))
    raw[20] ^= 0xFF
    with pytest.raises(MemoChecksumError):
        market_making_memo_decode(base58.b58encode(bytes(raw)).decode())


@pytest.mark.parametrize("memo_hex", ["zz", "ff fe", "c328"])
def test_a_snapshot_memo_that_is_not_hex_of_text_is_a_bad_encoding(memo_hex):
    with pytest.raises(MemoEncodingError):
        snapshot_memo_decode(memo_hex)
