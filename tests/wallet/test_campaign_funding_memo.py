"""The campaign-funding memo: the market-making layout with trading type 3, told apart
from an order's memo in both directions."""

import uuid

import pytest

from wallet.memo import (
    CampaignFundingMemo,
    MarketMakingMemo,
    MemoTradingTypeError,
    campaign_funding_memo_encode,
    campaign_funding_memo_of,
    market_making_memo_encode,
    snapshot_memo_decode,
)


def as_snapshot(memo: str) -> str:
    return memo.encode().hex()


def test_a_campaign_funding_memo_round_trips_from_a_snapshot():
    memo = CampaignFundingMemo(asset_id=uuid.uuid4(), launch_id=uuid.uuid4())
    text = campaign_funding_memo_encode(memo)
    assert campaign_funding_memo_of(as_snapshot(text)) == memo


def test_an_order_memo_is_not_a_campaign_memo_and_back():
    order = market_making_memo_encode(MarketMakingMemo(pair_id=uuid.uuid4(), order_id=uuid.uuid4()))
    assert campaign_funding_memo_of(as_snapshot(order)) is None
    campaign = campaign_funding_memo_encode(
        CampaignFundingMemo(asset_id=uuid.uuid4(), launch_id=uuid.uuid4())
    )
    with pytest.raises(MemoTradingTypeError):
        snapshot_memo_decode(as_snapshot(campaign))


@pytest.mark.parametrize("memo_hex", ["", "zz", "68656c6c6f", as_snapshot("1" * 53)])
def test_anything_else_is_no_campaign_memo(memo_hex):
    assert campaign_funding_memo_of(memo_hex) is None


def test_a_changed_byte_fails_the_checksum():
    text = campaign_funding_memo_encode(
        CampaignFundingMemo(asset_id=uuid.uuid4(), launch_id=uuid.uuid4())
    )
    changed = text[:-3] + ("1" if text[-3] != "1" else "2") + text[-2:]
    assert campaign_funding_memo_of(as_snapshot(changed)) is None
