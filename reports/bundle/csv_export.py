"""The bundle's facts and figures as CSV files in a zip, for spreadsheets.

The zip is written from the same report as the bundle, with fixed file times, so the
same facts give the same zip; MANIFEST.txt names the bundle's hash it was cut from.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{path}.{key}" if path else key)
    elif value is None:
        yield path, ""
    else:
        yield path, str(value)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "" if value is None else str(value)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    nested = [c for c in columns if any(isinstance(row.get(c), dict | list) for row in rows)]
    if nested or any(len(row) != len(columns) for row in rows):
        writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
    else:
        # The writer itself writes None as "" and any other value as str(): _cell's text.
        writer.writerows(
            map(itemgetter(*columns), rows)
            if len(columns) > 1
            else ([row[columns[0]]] for row in rows)
        )
    return out.getvalue().encode("utf-8")


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows[:1]:
        seen.update(dict.fromkeys(row))
    return list(seen)


def bundle_csv_zip(report: dict[str, Any], *, sha256: str) -> bytes:
    facts = report["facts"]
    accounts = {a["id"]: a for a in facts["ledger"]["accounts"]}
    entries = [
        {
            "transaction_id": tx["id"],
            "idempotency_key": tx["idempotency_key"],
            "account": accounts[account_id]["account"],
            "asset": accounts[account_id]["asset"],
            "amount": amount,
        }
        for tx in facts["ledger"]["transactions"]
        for account_id, amount in tx["entries"]
    ]
    transactions = [
        {k: v for k, v in tx.items() if k != "entries"} for tx in facts["ledger"]["transactions"]
    ]
    files = {
        "MANIFEST.txt": f"execution report bundle sha256 {sha256}\n".encode(),
        "figures.csv": _table(
            [{"figure": k, "value": v} for k, v in _flatten(report["figures"])],
            ["figure", "value"],
        ),
    }
    for name, rows in (
        ("fills", facts["fills"]),
        ("exchange_orders", facts["exchange_orders"]),
        ("executor_events", facts["executor_events"]),
        ("order_events", facts["order_events"]),
        ("ledger_transactions", transactions),
        ("ledger_entries", entries),
        ("snapshots", facts["snapshots"]),
    ):
        files[f"{name}.csv"] = _table(rows, _columns(rows))
    buffer = io.BytesIO()
    # Level 1: CSV of repeated text compresses nearly as well, several times faster.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=1)
    return buffer.getvalue()
