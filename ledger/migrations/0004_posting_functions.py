"""Server-side posting on PostgreSQL: one statement per posting, or per batch of postings.

`ledger_post_one` does what ledger.services used to do in eight statements (lock the
balances in account-id order, look the key up under the locks, refuse a second reversal,
refuse an overdraft, insert the transaction and its entries) in one call, so a posting costs
one round trip. `ledger_post_batch` does the same for many postings in one call, one after
the other, each seeing the balances its predecessors left: a refused posting (overdraft,
key reused for other content) is reported at its index and left out, the others go in.

Neither function weakens a rule of 0002: the entry trigger still moves the balances, the
check constraint still refuses a negative balance, and the deferred triggers still check at
commit that every transaction balances and has entries. The functions only answer the
refusals the service must tell apart (a status row instead of an error), so that the
caller's transaction stays usable without a savepoint.

SQLite has no server-side functions; ledger.services keeps its Python path there.
"""

from django.db import migrations

# Status rows: (index, status, transaction id, its content hash, account, balance, change).
# status: posted | exists (the key's transaction: the caller compares the hash) |
# already_reversed | insufficient (account, balance, change name the overdraft).
POSTGRES_FORWARD = [
    """
    CREATE FUNCTION ledger_post_one(
        p_key text, p_hash text, p_code text, p_trace text, p_ref text,
        p_reverses bigint, p_reason text, p_at timestamptz,
        p_accounts bigint[], p_assets uuid[], p_amounts numeric[]
    ) RETURNS TABLE (
        status text, tx_id bigint, tx_hash text,
        account_id bigint, balance numeric, change numeric
    ) LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
        v_id bigint;
        v_hash text;
        v_short record;
    BEGIN
        -- Account-id order: posters over the same accounts queue instead of deadlocking.
        PERFORM 1 FROM ledger_balance b WHERE b.account_id = ANY(p_accounts)
            ORDER BY b.account_id FOR UPDATE;
        -- Under the locks: a retry racing its original waits for it, then finds it.
        SELECT t.id, t.content_hash INTO v_id, v_hash
            FROM ledger_transaction t WHERE t.idempotency_key = p_key;
        IF FOUND THEN
            RETURN QUERY SELECT 'exists', v_id, v_hash, NULL::bigint, NULL::numeric,
                NULL::numeric;
            RETURN;
        END IF;
        IF p_reverses IS NOT NULL
                AND EXISTS (SELECT 1 FROM ledger_transaction t WHERE t.reverses_id = p_reverses)
        THEN
            RETURN QUERY SELECT 'already_reversed', NULL::bigint, NULL::text, NULL::bigint,
                NULL::numeric, NULL::numeric;
            RETURN;
        END IF;
        SELECT b.account_id AS account, b.amount, d.delta INTO v_short
            FROM (SELECT u.a, SUM(u.x) AS delta FROM unnest(p_accounts, p_amounts) AS u(a, x)
                  GROUP BY u.a) AS d
            JOIN ledger_balance b ON b.account_id = d.a
            WHERE NOT b.may_go_negative AND b.amount + d.delta < 0
            ORDER BY b.account_id LIMIT 1;
        IF FOUND THEN
            RETURN QUERY SELECT 'insufficient', NULL::bigint, NULL::text, v_short.account,
                v_short.amount, v_short.delta;
            RETURN;
        END IF;
        -- DO NOTHING: a poster on other accounts took the key (or the reversal) first.
        INSERT INTO ledger_transaction (idempotency_key, content_hash, code, trace_id, ref,
                reverses_id, reason, created_at)
            VALUES (p_key, p_hash, p_code, p_trace, p_ref, p_reverses, p_reason, p_at)
            ON CONFLICT DO NOTHING RETURNING id INTO v_id;
        IF v_id IS NULL THEN
            SELECT t.id, t.content_hash INTO v_id, v_hash
                FROM ledger_transaction t WHERE t.idempotency_key = p_key;
            IF FOUND THEN
                RETURN QUERY SELECT 'exists', v_id, v_hash, NULL::bigint, NULL::numeric,
                    NULL::numeric;
            ELSE
                RETURN QUERY SELECT 'already_reversed', NULL::bigint, NULL::text,
                    NULL::bigint, NULL::numeric, NULL::numeric;
            END IF;
            RETURN;
        END IF;
        INSERT INTO ledger_entry (transaction_id, account_id, asset, amount)
            SELECT v_id, u.a, u.s, u.x FROM unnest(p_accounts, p_assets, p_amounts) AS u(a, s, x);
        RETURN QUERY SELECT 'posted', v_id, p_hash, NULL::bigint, NULL::numeric, NULL::numeric;
    END $$
    """,
    # p_first[i] / p_count[i]: where posting i's entries sit in the entry arrays (1-based).
    """
    CREATE FUNCTION ledger_post_batch(
        p_keys text[], p_hashes text[], p_codes text[], p_traces text[], p_refs text[],
        p_at timestamptz, p_first int[], p_count int[],
        p_accounts bigint[], p_assets uuid[], p_amounts numeric[]
    ) RETURNS TABLE (
        idx int, status text, tx_id bigint, tx_hash text,
        account_id bigint, balance numeric, change numeric
    ) LANGUAGE plpgsql AS $$
    #variable_conflict use_column
    DECLARE
        i int;
        v_last int;
        v_id bigint;
        v_hash text;
        v_short record;
    BEGIN
        PERFORM 1 FROM ledger_balance b WHERE b.account_id = ANY(p_accounts)
            ORDER BY b.account_id FOR UPDATE;
        FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
            v_last := p_first[i] + p_count[i] - 1;
            SELECT t.id, t.content_hash INTO v_id, v_hash
                FROM ledger_transaction t WHERE t.idempotency_key = p_keys[i];
            IF FOUND THEN
                RETURN QUERY SELECT i, 'exists', v_id, v_hash, NULL::bigint, NULL::numeric,
                    NULL::numeric;
                CONTINUE;
            END IF;
            -- The balances as the postings before this one left them.
            SELECT b.account_id AS account, b.amount, d.delta INTO v_short
                FROM (SELECT u.a, SUM(u.x) AS delta
                      FROM unnest(p_accounts[p_first[i]:v_last], p_amounts[p_first[i]:v_last])
                          AS u(a, x)
                      GROUP BY u.a) AS d
                JOIN ledger_balance b ON b.account_id = d.a
                WHERE NOT b.may_go_negative AND b.amount + d.delta < 0
                ORDER BY b.account_id LIMIT 1;
            IF FOUND THEN
                RETURN QUERY SELECT i, 'insufficient', NULL::bigint, NULL::text,
                    v_short.account, v_short.amount, v_short.delta;
                CONTINUE;
            END IF;
            INSERT INTO ledger_transaction (idempotency_key, content_hash, code, trace_id, ref,
                    reason, created_at)
                VALUES (p_keys[i], p_hashes[i], p_codes[i], p_traces[i], p_refs[i], '', p_at)
                ON CONFLICT DO NOTHING RETURNING id INTO v_id;
            IF v_id IS NULL THEN
                SELECT t.id, t.content_hash INTO v_id, v_hash
                    FROM ledger_transaction t WHERE t.idempotency_key = p_keys[i];
                RETURN QUERY SELECT i, 'exists', v_id, v_hash, NULL::bigint, NULL::numeric,
                    NULL::numeric;
                CONTINUE;
            END IF;
            INSERT INTO ledger_entry (transaction_id, account_id, asset, amount)
                SELECT v_id, u.a, u.s, u.x
                FROM unnest(p_accounts[p_first[i]:v_last], p_assets[p_first[i]:v_last],
                            p_amounts[p_first[i]:v_last]) AS u(a, s, x);
            RETURN QUERY SELECT i, 'posted', v_id, p_hashes[i], NULL::bigint, NULL::numeric,
                NULL::numeric;
        END LOOP;
    END $$
    """,
]

POSTGRES_BACKWARD = [
    "DROP FUNCTION ledger_post_batch(text[], text[], text[], text[], text[], timestamptz, "
    "int[], int[], bigint[], uuid[], numeric[])",
    "DROP FUNCTION ledger_post_one(text, text, text, text, text, bigint, text, timestamptz, "
    "bigint[], uuid[], numeric[])",
]


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement, params=None)


def remove(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_ledger_check_runs")]

    operations = [migrations.RunPython(install, remove)]
