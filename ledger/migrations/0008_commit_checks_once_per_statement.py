"""The checks at commit are queued once per statement instead of once per row.

0006 made the deferred checks (every transaction balances per asset; every transaction has
entries) do their work once per range of rows, but PostgreSQL still queued and fired a
row-level constraint trigger for every entry and every transaction: 600 PL/pgSQL calls for
a batch of 200 two-entry postings, most of which only found their row already checked.
Measured in one batch of 200: about 6 ms to queue them and 12 ms to fire them at commit,
a third of the batch's time.

Now each INSERT statement on `ledger_entry` or `ledger_transaction` writes one row to
`ledger_commit_check` from a statement-level trigger: the ids of the transactions the
statement's entries belong to (`balanced`), or of the transactions it inserted
(`has_entries`), read from the statement's transition table. A deferred constraint trigger
on that table fires once per such row at commit (or at `SET CONSTRAINTS … IMMEDIATE`),
checks exactly those transactions, each summed with **all** its entries (so an entry
slipped into an older transaction is caught), and deletes the row. A row inserted after an
immediate check queues a check of its own. The rule is as wide as before: every INSERT,
through the posting functions or by hand, queues the check of what it touched; only the
number of trigger calls changed.

`ledger_commit_check` rows exist only inside the transaction that queued them; nothing but
the check itself (one trigger level down) may update or delete them, so a pending check
cannot be dropped by hand, and PostgreSQL refuses to TRUNCATE a table with pending trigger
events.

PostgreSQL only; SQLite has none of these triggers (docs/ledger.md).
"""

import importlib

from django.db import migrations

RULES = importlib.import_module("ledger.migrations.0002_database_rules")
SET_BASED = importlib.import_module("ledger.migrations.0006_set_based_posting")

NOTE_ENTRIES = """
CREATE FUNCTION ledger_entries_queue_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_commit_check (kind, transaction_ids)
        SELECT 'balanced', array_agg(DISTINCT n.transaction_id) FROM ledger_new_entries n
        HAVING count(*) > 0;
    RETURN NULL;
END $$
"""

NOTE_TRANSACTIONS = """
CREATE FUNCTION ledger_transactions_queue_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_commit_check (kind, transaction_ids)
        SELECT 'has_entries', array_agg(n.id) FROM ledger_new_transactions n
        HAVING count(*) > 0;
    RETURN NULL;
END $$
"""

# EXECUTE: planned for the ids at hand (a cached generic plan once scanned the whole of a
# small ledger_entry as it grew; migration 0005).
RUN_CHECK = """
CREATE FUNCTION ledger_run_commit_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    empty bigint;
BEGIN
    IF NEW.kind = 'balanced' THEN
        EXECUTE 'SELECT e.transaction_id, e.asset, SUM(e.amount) AS total '
                'FROM ledger_entry e WHERE e.transaction_id = ANY($1) '
                'GROUP BY e.transaction_id, e.asset HAVING SUM(e.amount) <> 0 LIMIT 1'
            INTO bad USING NEW.transaction_ids;
        IF bad.transaction_id IS NOT NULL THEN
            RAISE EXCEPTION 'ledger transaction % does not balance: asset % sums to %',
                bad.transaction_id, bad.asset, bad.total
                USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        EXECUTE 'SELECT t.id FROM unnest($1::bigint[]) AS t(id) '
                'WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.transaction_id = t.id) '
                'ORDER BY t.id LIMIT 1'
            INTO empty USING NEW.transaction_ids;
        IF empty IS NOT NULL THEN
            RAISE EXCEPTION 'ledger transaction % has no entries', empty
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    DELETE FROM ledger_commit_check c WHERE c.id = NEW.id;
    RETURN NULL;
END $$
"""

FORWARD = [
    """
    CREATE TABLE ledger_commit_check (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('balanced', 'has_entries')),
        transaction_ids bigint[] NOT NULL
    )
    """,
    # Only the check (one trigger level down) removes a pending check.
    """
    CREATE TRIGGER ledger_commit_check_kept BEFORE UPDATE OR DELETE ON ledger_commit_check
        FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION ledger_refuse_change()
    """,
    RUN_CHECK,
    """
    CREATE CONSTRAINT TRIGGER ledger_commit_check_run AFTER INSERT ON ledger_commit_check
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION ledger_run_commit_check()
    """,
    NOTE_ENTRIES,
    """
    CREATE TRIGGER ledger_entry_queue_check AFTER INSERT ON ledger_entry
        REFERENCING NEW TABLE AS ledger_new_entries
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_queue_check()
    """,
    NOTE_TRANSACTIONS,
    """
    CREATE TRIGGER ledger_transaction_queue_check AFTER INSERT ON ledger_transaction
        REFERENCING NEW TABLE AS ledger_new_transactions
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_transactions_queue_check()
    """,
    "DROP TRIGGER ledger_entry_transaction_balanced ON ledger_entry",
    "DROP TRIGGER ledger_transaction_has_entries ON ledger_transaction",
    "DROP FUNCTION ledger_check_transaction_balanced()",
    "DROP FUNCTION ledger_check_transaction_has_entries()",
]

# 0002's row-level constraint triggers with 0006's functions.
OLD_TRIGGERS = [
    statement
    for statement in RULES.POSTGRES_FORWARD
    if "CREATE CONSTRAINT TRIGGER ledger_entry_transaction_balanced" in statement
    or "CREATE CONSTRAINT TRIGGER ledger_transaction_has_entries" in statement
]
assert len(OLD_TRIGGERS) == 2

BACKWARD = [
    SET_BASED.BALANCED,
    SET_BASED.HAS_ENTRIES,
    *OLD_TRIGGERS,
    "DROP TRIGGER ledger_transaction_queue_check ON ledger_transaction",
    "DROP FUNCTION ledger_transactions_queue_check()",
    "DROP TRIGGER ledger_entry_queue_check ON ledger_entry",
    "DROP FUNCTION ledger_entries_queue_check()",
    "DROP TABLE ledger_commit_check",
    "DROP FUNCTION ledger_run_commit_check()",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_campaign_launch_accounts")]

    operations = [migrations.RunPython(forward, backward)]
