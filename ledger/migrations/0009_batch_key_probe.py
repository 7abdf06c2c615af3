"""The set-based batch asks the key index once per key whether a key was posted before.

0006's test `t.idempotency_key = ANY(p_keys)` is planned against the table's size: with 200
keys and a ledger_transaction of thousands of rows the planner scans the whole table (0.28
ms at 2,400 rows, growing with the ledger; benchmarks/ledger.py's batches run against
12,000-24,000 rows). Asking the unique index once per key (a LIMIT 1
lookup per key, which the planner cannot turn into a scan of the table) costs the same at
any size. The test itself is unchanged: any key of the batch already posted sends the
batch one by one (0004's loop), under the same locks.
"""

import importlib

from django.db import migrations

SET_BASED = importlib.import_module("ledger.migrations.0006_set_based_posting")

SCAN = """            AND NOT EXISTS (SELECT 1 FROM ledger_transaction t
                            WHERE t.idempotency_key = ANY(p_keys))
"""
PROBE = """            AND NOT EXISTS (SELECT 1 FROM unnest(p_keys) AS k,
                                LATERAL (SELECT 1 FROM ledger_transaction t
                                         WHERE t.idempotency_key = k LIMIT 1) AS posted)
"""
assert SET_BASED.BATCH.count(SCAN) == 1
BATCH = SET_BASED.BATCH.replace(SCAN, PROBE)

# CREATE OR REPLACE resets the function's settings: planned per call, as since 0004.
CUSTOM_PLANS = f"ALTER FUNCTION {SET_BASED.BATCH_FUNCTION} SET plan_cache_mode = force_custom_plan"


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BATCH, params=None)
        schema_editor.execute(CUSTOM_PLANS, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET_BASED.BATCH, params=None)
        schema_editor.execute(CUSTOM_PLANS, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_commit_checks_once_per_statement")]

    operations = [migrations.RunPython(forward, backward)]
