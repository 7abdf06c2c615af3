"""The reward manifest: every input needed to recompute an allocation, and its outputs,
as canonical JSON (RFC 8785) whose sha256 names it. `manifest_rebuild` is what
`reward_verify` runs: inputs in, the same bytes out, or the manifest does not verify."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import rfc8785

from campaigns.rewards.abuse import flags_detect
from campaigns.rewards.allocation import WEIGHTS, Fill, allocate

VERSION = 1


def _text(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount else "0"


def outputs_compute(inputs: dict[str, Any]) -> dict[str, Any]:
    flags = flags_detect(
        fills=inputs["fills"], quotes=inputs["quotes"], thresholds=inputs["abuse_thresholds"]
    )
    flagged = {trade_id for flag in flags for trade_id in flag["trade_ids"]}
    fills = [
        Fill(
            trade_id=f["trade_id"],
            order_id=f["order_id"],
            user_id=f["user_id"],
            side=f["side"],
            is_maker=bool(f["is_maker"]),
            price=Decimal(f["price"]),
            amount=Decimal(f["amount"]),
        )
        for f in inputs["fills"]
        if f["trade_id"] not in flagged
    ]
    result = allocate(
        reward=Decimal(inputs["reward"]["amount"]),
        decimals=int(inputs["reward"]["decimals"]),
        fee_bps=int(inputs["fee_bps"]),
        fills=fills,
    )
    return {
        "platform_fee": _text(result.fee),
        "allocations": [
            {
                "order_id": s.order_id,
                "user_id": s.user_id,
                "score": _text(s.score),
                "amount": _text(s.amount),
            }
            for s in result.shares
        ],
        "remainder": {"amount": _text(result.remainder), "order_id": result.remainder_order_id},
        "flags": flags,
        "excluded_trade_ids": sorted(flagged),
    }


def manifest_build(inputs: dict[str, Any]) -> bytes:
    weights = {name: _text(value) for name, value in WEIGHTS.items()}
    if inputs.get("weights", weights) != weights:
        raise ValueError("the manifest's weights are not HuFi's")
    document = {
        "version": VERSION,
        "inputs": {**inputs, "weights": weights},
        "outputs": outputs_compute(inputs),
    }
    return bytes(rfc8785.dumps(document))


def manifest_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def manifest_rebuild(body: bytes) -> bytes:
    """The manifest recomputed from the inputs it carries."""
    return manifest_build(json.loads(body)["inputs"])
