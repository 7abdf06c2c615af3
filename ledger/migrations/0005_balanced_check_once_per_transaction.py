"""The deferred balance check runs once per ledger transaction instead of once per entry.

`ledger_entry_transaction_balanced` (0002) fires for every entry at commit, and each firing
summed all the entries of the transaction again: a five-entry fill was checked five times.
Now the first firing for a transaction checks every entry up to the highest id it saw and
notes (transaction, highest entry id) in a transaction-local setting; the next firings of
the same transaction whose entry is covered skip. An entry added after that check (after a
`SET CONSTRAINTS … IMMEDIATE`, say) has a higher id, so it is checked again with all the
others. Entries are never updated or deleted (0002), so a sum once checked stays right.
PostgreSQL only; SQLite has no deferred triggers (the service checks there).

It also makes every ledger function plan its queries for the values at hand
(`plan_cache_mode = force_custom_plan`): a PL/pgSQL function caches a generic plan after a
few calls, and one cached while `ledger_entry` was small (a new database, a fresh test
database) kept scanning the whole table for each entry as it grew, so a long session's
postings slowed down by the thousand (benchmarks/ledger.py's batches fell from ~3,900 to
~800 postings/s within 6,000 postings).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_check_transaction_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    checked text := current_setting('ledger.balanced_checked', true);
    last_entry bigint;
    bad_asset uuid;
    bad_total numeric;
BEGIN
    IF checked IS NOT NULL AND checked <> ''
            AND split_part(checked, ':', 1)::bigint = NEW.transaction_id
            AND NEW.id <= split_part(checked, ':', 2)::bigint THEN
        RETURN NULL;
    END IF;
    SELECT max(s.last_id),
           (array_agg(s.asset) FILTER (WHERE s.total <> 0))[1],
           (array_agg(s.total) FILTER (WHERE s.total <> 0))[1]
        INTO last_entry, bad_asset, bad_total
        FROM (SELECT e.asset, SUM(e.amount) AS total, max(e.id) AS last_id
              FROM ledger_entry e WHERE e.transaction_id = NEW.transaction_id
              GROUP BY e.asset) AS s;
    IF bad_asset IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: asset % sums to %',
            NEW.transaction_id, bad_asset, bad_total
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM set_config('ledger.balanced_checked', NEW.transaction_id || ':' || last_entry, true);
    RETURN NULL;
END $$
"""

# 0002's version: every entry sums its whole transaction again.
BACKWARD = """
CREATE OR REPLACE FUNCTION ledger_check_transaction_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT asset, SUM(amount) AS total INTO unbalanced
        FROM ledger_entry WHERE transaction_id = NEW.transaction_id
        GROUP BY asset HAVING SUM(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: asset % sums to %',
            NEW.transaction_id, unbalanced.asset, unbalanced.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$
"""


FUNCTIONS = [
    "ledger_check_transaction_balanced()",
    "ledger_check_transaction_has_entries()",
    "ledger_entry_apply()",
    "ledger_post_one(text, text, text, text, text, bigint, text, timestamptz, bigint[], uuid[], "
    "numeric[])",
    "ledger_post_batch(text[], text[], text[], text[], text[], timestamptz, int[], int[], "
    "bigint[], uuid[], numeric[])",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
        for function in FUNCTIONS:
            schema_editor.execute(
                f"ALTER FUNCTION {function} SET plan_cache_mode = force_custom_plan", params=None
            )


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for function in FUNCTIONS:
            schema_editor.execute(f"ALTER FUNCTION {function} RESET plan_cache_mode", params=None)
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_posting_functions")]

    operations = [migrations.RunPython(forward, backward)]
