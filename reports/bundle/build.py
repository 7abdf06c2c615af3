"""Building an order's execution report bundle for a window.

The bundle file is the canonical JSON of
`{"format", "public_key", "report", "sha256", "signature"}`: `report` holds the facts and
the figures, `sha256` is the hash of the report's canonical bytes, and `signature` the
node's ed25519 signature of those 32 hash bytes. Nothing in it depends on when it was
built, so the same facts give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nacl.signing import SigningKey

from executor.selectors import risk_rules_in_force
from orders.models import FundsLoopConfig, MarketMakingOrder
from reports.bundle.canonical import canonical_json, collector_paused
from reports.facts import (
    exchange_order_rows,
    executor_event_rows,
    fill_rows,
    funded_row,
    ledger_rows,
    market_row,
    order_event_rows,
    time_text,
)
from reports.keys import sign_canonical
from reports.marks import fee_rates_read, mark_read
from reports.pnl import METHODOLOGY_VERSION, order_figures
from reports.snapshot_facts import snapshot_rows, stability_figures

BUNDLE_FORMAT = "mrmarket-execution-report/1"
REPORT_METHODOLOGY = "report-1"


def config_document(frozen_config: dict[str, Any] | None) -> dict[str, Any]:
    """The strategy config as its hash covers it (strategy.freeze_config)."""
    return {"schema": 1, "params": frozen_config or {}}


def config_sha256(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_figures(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of a report, from its facts alone: what the builder writes and the
    verifier recomputes."""
    order, facts = report["order"], report["facts"]
    return {
        "pnl": order_figures(
            market=order["market"],
            funded=order["funded"],
            fills=facts["fills"],
            exchange_orders=facts["exchange_orders"],
            mark=facts["mark"],
            fee_rates=facts["fee_rates"],
            since=report["window"]["from"],
        ),
        "stability": stability_figures(facts["snapshots"]),
    }


@collector_paused()
def report_document(
    *, order: MarketMakingOrder, since: datetime, until: datetime
) -> dict[str, Any]:
    fills = fill_rows(order_id=order.pk, until=until)
    funds_loop = FundsLoopConfig.current()
    report: dict[str, Any] = {
        "methodology": {"report": REPORT_METHODOLOGY, "pnl": METHODOLOGY_VERSION},
        "window": {"from": time_text(since), "to": time_text(until)},
        "order": {
            "id": str(order.pk),
            "trace_id": order.trace_id,
            "created_at": time_text(order.created_at),
            "market": market_row(order.pair),
            "funded": funded_row(order),
            "config": config_document(order.frozen_config),
            "config_hash": order.config_hash,
        },
        "rules": {
            **risk_rules_in_force(order_id=order.pk),
            "funds_loop": {
                "withdraw_to_exchange_enabled": funds_loop.withdraw_to_exchange_enabled,
                "queue_withdraw_on_payment_complete": (
                    funds_loop.queue_withdraw_on_payment_complete
                ),
            },
        },
        "facts": {
            "fills": fills,
            "exchange_orders": exchange_order_rows(order_id=order.pk, since=since, until=until),
            "executor_events": executor_event_rows(order_id=order.pk, since=since, until=until),
            "order_events": order_event_rows(order_id=order.pk, since=since, until=until),
            "ledger": ledger_rows(order_id=order.pk, since=since, until=until),
            "snapshots": snapshot_rows(order_id=order.pk, since=since, until=until),
            "mark": mark_read(pair=order.pair, at=until),
            "fee_rates": fee_rates_read(
                pair=order.pair, assets={f["fee_asset"] for f in fills}, at=until
            ),
        },
    }
    report["figures"] = report_figures(report)
    return report


@dataclass(frozen=True)
class SignedBundle:
    content: bytes
    sha256: str
    public_key: str
    signature: str = ""


@collector_paused()
def bundle_sign(report: dict[str, Any], *, key: SigningKey | None = None) -> SignedBundle:
    body = canonical_json(report)
    signed = sign_canonical(body, key=key)
    # The envelope's canonical form, written around the report's bytes rather than
    # serializing the report a second time (keys in canonical order).
    content = b"".join(
        [
            b'{"format":',
            canonical_json(BUNDLE_FORMAT),
            b',"public_key":',
            canonical_json(signed.public_key),
            b',"report":',
            body,
            b',"sha256":',
            canonical_json(signed.sha256),
            b',"signature":',
            canonical_json(signed.signature),
            b"}",
        ]
    )
    return SignedBundle(
        content=content,
        sha256=signed.sha256,
        public_key=signed.public_key,
        signature=signed.signature,
    )


def bundle_build(
    *, order: MarketMakingOrder, since: datetime, until: datetime, key: SigningKey | None = None
) -> SignedBundle:
    return bundle_sign(report_document(order=order, since=since, until=until), key=key)
