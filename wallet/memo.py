"""The market-making memo the TypeScript Mr.Market puts on each invoice entry, and the
campaign-funding memo of a HuFi campaign paid for on Mixin, in the same layout.

Binary layout, then base58: version (1) | trading type (1) | action (1) | pair id (16-byte
UUID) | order id (16-byte UUID) | checksum (first 4 bytes of SHA-256(SHA-256(all before))).
A campaign-funding memo has trading type 3 and carries the reward token's asset id and the
campaign launch's id in the two UUID places.
A snapshot carries the memo as hex of its UTF-8 text. Every way a memo can be wrong has
its own error, so the order flow can refund with the reason.
"""

import hashlib
import uuid
from dataclasses import dataclass
from enum import IntEnum

import base58

from core.errors import ApplicationError

MEMO_VERSION = 1
CHECKSUM_LENGTH = 4
_BODY_LENGTH = 3 + 16 + 16


class TradingType(IntEnum):
    SPOT = 0
    MARKET_MAKING = 1
    SIMPLY_GROW = 2
    CAMPAIGN_FUNDING = 3


class MarketMakingAction(IntEnum):
    CREATE = 1
    DEPOSIT = 2


class MemoError(ApplicationError):
    code = "memo_invalid"


class MemoEncodingError(MemoError):
    code = "memo_bad_encoding"


class MemoChecksumError(MemoError):
    code = "memo_bad_checksum"


class MemoVersionError(MemoError):
    code = "memo_unknown_version"


class MemoTradingTypeError(MemoError):
    code = "memo_unknown_trading_type"


class MemoActionError(MemoError):
    code = "memo_unknown_action"


@dataclass(frozen=True)
class MarketMakingMemo:
    pair_id: uuid.UUID
    order_id: uuid.UUID
    action: MarketMakingAction = MarketMakingAction.CREATE
    version: int = MEMO_VERSION


@dataclass(frozen=True)
class CampaignFundingMemo:
    asset_id: uuid.UUID
    launch_id: uuid.UUID
    version: int = MEMO_VERSION


def memo_checksum(body: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(body).digest()).digest()[:CHECKSUM_LENGTH]


def _memo_encode(
    version: int, trading_type: int, action: int, first: uuid.UUID, second: uuid.UUID
) -> str:
    body = bytes([version, trading_type, action]) + first.bytes + second.bytes
    return base58.b58encode(body + memo_checksum(body)).decode("ascii")


def market_making_memo_encode(memo: MarketMakingMemo) -> str:
    return _memo_encode(
        memo.version, TradingType.MARKET_MAKING, memo.action, memo.pair_id, memo.order_id
    )


def campaign_funding_memo_encode(memo: CampaignFundingMemo) -> str:
    return _memo_encode(
        memo.version,
        TradingType.CAMPAIGN_FUNDING,
        MarketMakingAction.CREATE,
        memo.asset_id,
        memo.launch_id,
    )


def campaign_funding_memo_of(memo_hex: str) -> CampaignFundingMemo | None:
    """The campaign-funding memo of a snapshot, or None when its memo is anything else."""
    try:
        raw = base58.b58decode(snapshot_memo_text(memo_hex).strip().encode("ascii"))
    except (MemoError, ValueError):
        return None
    if len(raw) != _BODY_LENGTH + CHECKSUM_LENGTH:
        return None
    body, checksum = raw[:_BODY_LENGTH], raw[_BODY_LENGTH:]
    if memo_checksum(body) != checksum or body[0] != MEMO_VERSION:
        return None
    if body[1] != TradingType.CAMPAIGN_FUNDING:
        return None
    return CampaignFundingMemo(
        asset_id=uuid.UUID(bytes=body[3:19]), launch_id=uuid.UUID(bytes=body[19:35])
    )


def market_making_memo_decode(text: str) -> MarketMakingMemo:
    try:
        raw = base58.b58decode(text.strip().encode("ascii"))
    except ValueError:
        raise MemoEncodingError("The memo is not base58.", detail={"memo": text[:100]}) from None
    if len(raw) != _BODY_LENGTH + CHECKSUM_LENGTH:
        raise MemoEncodingError(
            f"The memo has {len(raw)} bytes; a market-making memo has "
            f"{_BODY_LENGTH + CHECKSUM_LENGTH}.",
            detail={"length": len(raw)},
        )
    body, checksum = raw[:_BODY_LENGTH], raw[_BODY_LENGTH:]
    if memo_checksum(body) != checksum:
        raise MemoChecksumError("The memo's checksum does not match its content.")
    version, trading_type, action = body[0], body[1], body[2]
    if version != MEMO_VERSION:
        raise MemoVersionError(f"Unknown memo version {version}.", detail={"version": version})
    if trading_type != TradingType.MARKET_MAKING:
        raise MemoTradingTypeError(
            f"Trading type {trading_type} is not market making.",
            detail={"trading_type": trading_type},
        )
    try:
        mm_action = MarketMakingAction(action)
    except ValueError:
        raise MemoActionError(
            f"Unknown market-making action {action}.", detail={"action": action}
        ) from None
    return MarketMakingMemo(
        version=version,
        action=mm_action,
        pair_id=uuid.UUID(bytes=body[3:19]),
        order_id=uuid.UUID(bytes=body[19:35]),
    )


def snapshot_memo_text(memo_hex: str) -> str:
    """The memo text of a snapshot, whose `memo` field is hex of the raw extra bytes."""
    try:
        return bytes.fromhex(memo_hex).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise MemoEncodingError(
            "The snapshot memo is not hex of UTF-8 text.", detail={"memo": memo_hex[:100]}
        ) from None


def snapshot_memo_decode(memo_hex: str) -> MarketMakingMemo:
    return market_making_memo_decode(snapshot_memo_text(memo_hex))
