"""Checking a bundle: its hash, its signature by the node's key, its facts against each
other, and every figure recomputed from the facts. Each problem is one line naming what
differs; no problem means the bundle is what the node signed and its figures follow from
its facts."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from reports.bundle.build import BUNDLE_FORMAT, config_sha256, report_figures
from reports.bundle.canonical import (
    NotCanonicalInput,
    canonical_json,
    collector_paused,
    strict_loads,
)
from reports.keys import signer_problems
from reports.pnl import Decimals


@collector_paused()
def bundle_problems(content: bytes, *, public_key: str) -> list[str]:
    try:
        envelope = strict_loads(content)
    except (NotCanonicalInput, ValueError) as error:
        return [f"not a readable bundle: {error}"]
    if not isinstance(envelope, dict) or envelope.get("format") != BUNDLE_FORMAT:
        return [f"not a {BUNDLE_FORMAT} bundle"]
    missing = {"report", "sha256", "public_key", "signature"} - envelope.keys()
    if missing:
        return [f"not a complete bundle: no {', '.join(sorted(missing))}"]
    report = envelope["report"]
    problems = []
    digest = hashlib.sha256(canonical_json(report)).digest()
    if digest.hex() != envelope["sha256"]:
        problems.append(
            f"hash: the report hashes to {digest.hex()}, the bundle says {envelope['sha256']}"
        )
    problems += signer_problems(
        digest=digest,
        public_key=envelope["public_key"],
        signature=envelope["signature"],
        expected_key=public_key,
        what="the report's hash",
    )
    try:
        problems.extend(_fact_problems(report))
        problems.extend(_figure_differences(report_figures(report), report["figures"]))
    except (KeyError, TypeError, ArithmeticError, ValueError) as error:
        problems.append(f"facts: malformed ({type(error).__name__}: {error})")
    return problems


def _figure_differences(computed: Any, stated: Any, path: str = "figures") -> Iterator[str]:
    if isinstance(computed, dict) and isinstance(stated, dict):
        for key in sorted(set(computed) | set(stated)):
            yield from _figure_differences(computed.get(key), stated.get(key), f"{path}.{key}")
    elif computed != stated:
        yield f"{path}: the facts give {computed!r}, the bundle says {stated!r}"


def _fact_problems(report: dict[str, Any]) -> Iterator[str]:
    order, facts = report["order"], report["facts"]
    window = report["window"]
    if config_sha256(order["config"]) != order["config_hash"]:
        yield f"order.config: hashes to {config_sha256(order['config'])}, not config_hash"
    accounts = {a["id"]: a for a in facts["ledger"]["accounts"]}
    transactions = facts["ledger"]["transactions"]
    postings = {tx["idempotency_key"]: tx for tx in transactions}
    number = Decimals().__getitem__
    for tx in transactions:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for account_id, amount in tx["entries"]:
            sums[accounts[account_id]["asset"]] += number(amount)
        if any(sums.values()):
            yield f"ledger transaction {tx['id']} ({tx['idempotency_key']}): does not balance"
    market = order["market"]
    previous = ""
    for fill in facts["fills"]:
        name = f"fill trade {fill['trade_id']} (client order {fill['client_order_id']})"
        if fill["traded_at"] < previous:
            yield f"{name}: out of time order"
        previous = fill["traded_at"]
        if fill["traded_at"] >= window["to"]:
            yield f"{name}: traded after the window"
        posting = postings.get(fill["ledger_key"])
        if posting is not None:
            yield from _fill_against_posting(
                fill, posting, market=market, accounts=accounts, name=name, number=number
            )


def _fill_against_posting(
    fill: dict[str, Any],
    posting: dict[str, Any],
    *,
    market: dict[str, Any],
    accounts: dict[int, dict[str, Any]],
    name: str,
    number: Callable[[str], Decimal] = Decimal,
) -> Iterator[str]:
    """A fill's price and amount must be what its ledger posting moved with the outside
    world: the base amount one way, price × amount of quote the other."""
    external = defaultdict(Decimal)
    for account_id, amount in posting["entries"]:
        account = accounts[account_id]
        if account["account"] == "system/external":
            external[account["asset"]] += number(amount)
    amount, price = number(fill["amount"]), number(fill["price"])
    base_moved = abs(external[market["base_asset_id"]])
    quote_moved = abs(external[market["quote_asset_id"]])
    if base_moved != amount:
        yield f"{name}: amount {fill['amount']}, its ledger posting moved {base_moved} base"
    if quote_moved != price * amount:
        yield (
            f"{name}: price {fill['price']} × amount {fill['amount']} = {price * amount} quote,"
            f" its ledger posting moved {quote_moved}"
        )
