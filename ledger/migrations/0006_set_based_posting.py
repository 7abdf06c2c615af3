"""Set-based posting: a batch is a few statements, not a few per posting, and no rule is weaker.

1. The entry trigger moves the balances **once per statement** (a statement-level trigger
   reading the inserted rows from a transition table) instead of once per entry: one
   check that every entry's asset is its account's, one UPDATE of the balances by the sum
   per account, and a refusal when an account has no balance row. The check constraint on
   `ledger_balance` still refuses a balance below zero after the statement.
2. The deferred checks at commit run **once per range** of rows instead of once per row:
   the first firing checks every transaction that has an entry (or, for "has entries", every
   transaction) from its row's id up to the highest id there is, summing each of those
   transactions' entries in full, and notes the range in a transaction-local setting; the
   later firings whose row lies in a checked range return at once. A row inserted after a
   check (after `SET CONSTRAINTS … IMMEDIATE`) has a higher id, so it is checked again. A
   transaction reached by the range is summed with all its entries, whatever their ids, so
   an entry added to an older transaction is caught, and another session's committed
   transactions in the range (balanced by their own check) pass. The queries run through
   EXECUTE (planned for the values at hand), so the firings that skip carry no
   `plan_cache_mode` setting of their own.
3. `ledger_post_batch` posts the whole batch with one INSERT of transactions and one of
   entries when nothing in it can be refused: no key of the batch posted before or used
   twice in it, and no posting that would overdraw an account that must stay non-negative,
   each checked against the balances the postings before it leave (a running sum per
   account in batch order, under the same locks). Otherwise, or when a poster on other
   accounts takes one of its keys meanwhile (a unique violation, which rolls the attempt
   back to a savepoint inside the function), it goes one posting after the other as before
   (0004), with the same outcomes.

4. `ledger_balance` leaves half of each page free (fillfactor 50), so moving a balance
   writes its new version beside the old one without a new index entry (a HOT update).

PostgreSQL only; SQLite has none of these triggers (docs/ledger.md).
"""

import importlib

from django.db import migrations

RULES = importlib.import_module("ledger.migrations.0002_database_rules")
CHECKS = importlib.import_module("ledger.migrations.0005_balanced_check_once_per_transaction")
POSTING = importlib.import_module("ledger.migrations.0004_posting_functions")

ENTRIES_APPLY = """
CREATE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    wanted int;
    moved int;
BEGIN
    SELECT n.account_id, n.asset, a.asset AS account_asset INTO bad
        FROM ledger_new_entries n LEFT JOIN ledger_account a ON a.id = n.account_id
        WHERE a.asset IS DISTINCT FROM n.asset LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'entry asset % does not match asset % of account %',
            bad.asset, bad.account_asset, bad.account_id
            USING ERRCODE = 'check_violation';
    END IF;
    WITH delta AS (
        SELECT n.account_id, SUM(n.amount) AS amount FROM ledger_new_entries n
        GROUP BY n.account_id
    ), moved AS (
        UPDATE ledger_balance b SET amount = b.amount + delta.amount
        FROM delta WHERE b.account_id = delta.account_id
        RETURNING b.account_id
    )
    SELECT (SELECT count(*) FROM delta), (SELECT count(*) FROM moved) INTO wanted, moved;
    IF moved <> wanted THEN
        RAISE EXCEPTION 'an entry names an account without a balance row'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$
"""


def range_check(function: str, setting: str, variables: str, check: str, last: str) -> str:
    """A deferred check that runs once per range of ids (point 2 above): `check` covers
    NEW.id up to `last`, and the range is noted in `setting`."""
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    checked text := current_setting('{setting}', true);
{variables}
BEGIN
    IF checked IS NOT NULL AND checked <> ''
            AND NEW.id BETWEEN split_part(checked, ':', 1)::bigint
                           AND split_part(checked, ':', 2)::bigint THEN
        RETURN NULL;
    END IF;
{check}
    PERFORM set_config('{setting}', NEW.id || ':' || {last}, true);
    RETURN NULL;
END $$
"""


BALANCED = range_check(
    "ledger_check_transaction_balanced",
    "ledger.balanced_checked",
    """
    last_entry bigint;
    transactions bigint[];
    bad record;""",
    """
    EXECUTE 'SELECT max(e.id), array_agg(DISTINCT e.transaction_id) FROM ledger_entry e '
            'WHERE e.id >= $1'
        INTO last_entry, transactions USING NEW.id;
    EXECUTE 'SELECT e.transaction_id, e.asset, SUM(e.amount) AS total FROM ledger_entry e '
            'WHERE e.transaction_id = ANY($1) '
            'GROUP BY e.transaction_id, e.asset HAVING SUM(e.amount) <> 0 LIMIT 1'
        INTO bad USING transactions;
    IF bad.transaction_id IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: asset % sums to %',
            bad.transaction_id, bad.asset, bad.total
            USING ERRCODE = 'check_violation';
    END IF;""",
    "last_entry",
)

HAS_ENTRIES = range_check(
    "ledger_check_transaction_has_entries",
    "ledger.entries_checked",
    """
    last_transaction bigint;
    empty bigint;""",
    """
    EXECUTE 'SELECT max(t.id) FROM ledger_transaction t WHERE t.id >= $1'
        INTO last_transaction USING NEW.id;
    EXECUTE 'SELECT t.id FROM ledger_transaction t WHERE t.id BETWEEN $1 AND $2 '
            'AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.transaction_id = t.id) '
            'ORDER BY t.id LIMIT 1'
        INTO empty USING NEW.id, last_transaction;
    IF empty IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % has no entries', empty
            USING ERRCODE = 'check_violation';
    END IF;""",
    "last_transaction",
)

# 0002's version, for going back.
HAS_ENTRIES_BACKWARD = next(
    statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    for statement in RULES.POSTGRES_FORWARD
    if "CREATE FUNCTION ledger_check_transaction_has_entries" in statement
)

# Entry i of posting p: p_first[p] <= i < p_first[p] + p_count[p] (1-based, as in 0004).
BATCH_ENTRIES = """
    (SELECT p.i, generate_series(p.f, p.f + p.c - 1) AS j
     FROM unnest(p_first, p_count) WITH ORDINALITY AS p(f, c, i)) AS p
    JOIN unnest(p_accounts, p_assets, p_amounts) WITH ORDINALITY AS u(a, s, x, j) ON u.j = p.j
"""

# All at once when nothing of the batch can be refused (under the locks taken just before).
FAST_PATH = f"""
        IF n > 0
            AND (SELECT count(DISTINCT k) FROM unnest(p_keys) AS k) = n
            AND NOT EXISTS (SELECT 1 FROM ledger_transaction t
                            WHERE t.idempotency_key = ANY(p_keys))
            AND NOT EXISTS (
                SELECT 1
                FROM (SELECT d.a, SUM(d.x) OVER (PARTITION BY d.a ORDER BY d.i) AS after
                      FROM (SELECT p.i, u.a, SUM(u.x) AS x FROM {BATCH_ENTRIES}
                            GROUP BY p.i, u.a) AS d) AS r
                JOIN ledger_balance b ON b.account_id = r.a
                WHERE NOT b.may_go_negative AND b.amount + r.after < 0)
        THEN
            BEGIN
                WITH tx AS (
                    INSERT INTO ledger_transaction (idempotency_key, content_hash, code,
                            trace_id, ref, reason, created_at)
                        SELECT u.k, u.h, u.c, u.t, u.r, '', p_at
                        FROM unnest(p_keys, p_hashes, p_codes, p_traces, p_refs)
                            WITH ORDINALITY AS u(k, h, c, t, r, i)
                        ORDER BY u.i
                        RETURNING id, idempotency_key
                )
                SELECT array_agg(tx.id ORDER BY u.i) INTO v_ids
                    FROM tx JOIN unnest(p_keys) WITH ORDINALITY AS u(k, i)
                        ON u.k = tx.idempotency_key;
                INSERT INTO ledger_entry (transaction_id, account_id, asset, amount)
                    SELECT v_ids[p.i], u.a, u.s, u.x FROM {BATCH_ENTRIES} ORDER BY u.j;
                RETURN QUERY SELECT u.i::int, 'posted', v_ids[u.i], u.h, NULL::bigint,
                        NULL::numeric, NULL::numeric
                    FROM unnest(p_hashes) WITH ORDINALITY AS u(h, i) ORDER BY u.i;
                RETURN;
            EXCEPTION WHEN unique_violation THEN
                -- A poster on other accounts took a key of the batch: one by one, below.
                NULL;
            END;
        END IF;
"""  # noqa: S608 - no value is formatted in, only BATCH_ENTRIES's SQL
LOCKS = "            ORDER BY b.account_id FOR UPDATE;\n"
BATCH_0004 = POSTING.POSTGRES_FORWARD[1]
assert BATCH_0004.count(LOCKS) == 1 and BATCH_0004.count("        i int;\n") == 1
# 0004's function (the one-by-one loop after the locks), with the set-based path first.
BATCH = (
    BATCH_0004.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    .replace(
        "        i int;\n",
        "        i int;\n        n int := coalesce(array_length(p_keys, 1), 0);\n"
        "        v_ids bigint[];\n",
    )
    .replace(LOCKS, LOCKS + FAST_PATH)
)

CHECK_FUNCTIONS = ["ledger_check_transaction_balanced()", "ledger_check_transaction_has_entries()"]
BATCH_FUNCTION = (
    "ledger_post_batch(text[], text[], text[], text[], text[], timestamptz, int[], int[], "
    "bigint[], uuid[], numeric[])"
)

FORWARD = [
    # Room in each page for a balance's next version: its updates stay heap-only (HOT),
    # with no new index entry per posting.
    "ALTER TABLE ledger_balance SET (fillfactor = 50)",
    ENTRIES_APPLY,
    "ALTER FUNCTION ledger_entries_apply() SET plan_cache_mode = force_custom_plan",
    "DROP TRIGGER ledger_entry_apply ON ledger_entry",
    """
    CREATE TRIGGER ledger_entry_apply AFTER INSERT ON ledger_entry
        REFERENCING NEW TABLE AS ledger_new_entries
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_apply()
    """,
    BALANCED,
    HAS_ENTRIES,
    *(f"ALTER FUNCTION {function} RESET plan_cache_mode" for function in CHECK_FUNCTIONS),
    BATCH,
    # CREATE OR REPLACE kept the function's settings; said again so this file reads whole.
    f"ALTER FUNCTION {BATCH_FUNCTION} SET plan_cache_mode = force_custom_plan",
]

BACKWARD = [
    BATCH_0004.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
    f"ALTER FUNCTION {BATCH_FUNCTION} SET plan_cache_mode = force_custom_plan",
    HAS_ENTRIES_BACKWARD,
    CHECKS.FORWARD,
    *(
        f"ALTER FUNCTION {function} SET plan_cache_mode = force_custom_plan"
        for function in CHECK_FUNCTIONS
    ),
    "DROP TRIGGER ledger_entry_apply ON ledger_entry",
    """
    CREATE TRIGGER ledger_entry_apply AFTER INSERT ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_apply()
    """,
    "DROP FUNCTION ledger_entries_apply()",
    "ALTER TABLE ledger_balance RESET (fillfactor)",
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
    dependencies = [("ledger", "0005_balanced_check_once_per_transaction")]

    operations = [migrations.RunPython(forward, backward)]
