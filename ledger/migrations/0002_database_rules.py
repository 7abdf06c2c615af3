"""The ledger's invariants, held by the database itself (see docs/ledger.md for the table).

PostgreSQL holds all of them: immutable rows, balances maintained from entries, an entry's
asset equal to its account's, and (at commit, through deferred constraint triggers) every
transaction balanced per asset and never empty.

SQLite holds what it can express: no UPDATE of entries, transactions or accounts, a
balance's identity fixed, and the asset match. It has no deferred triggers, and its
DECIMAL columns are floating point, so summing in SQL would drift: there the posting
service keeps balances and checks balance, and `ledger_check` verifies both. Deleting is
left possible on SQLite because the test runner flushes tables with DELETE (PostgreSQL
flushes with TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    """
    CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
    """,
    """
    CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
    """,
    """
    CREATE TRIGGER ledger_account_append_only BEFORE UPDATE OR DELETE ON ledger_account
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
    """,
    """
    CREATE TRIGGER ledger_balance_not_deleted BEFORE DELETE ON ledger_balance
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
    """,
    # Only ledger_entry_apply (one trigger level down) may move a balance.
    """
    CREATE TRIGGER ledger_balance_moved_only_by_entries BEFORE UPDATE ON ledger_balance
        FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION ledger_refuse_change()
    """,
    """
    CREATE FUNCTION ledger_entry_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        account_asset uuid;
    BEGIN
        SELECT asset INTO account_asset FROM ledger_account WHERE id = NEW.account_id;
        IF account_asset IS DISTINCT FROM NEW.asset THEN
            RAISE EXCEPTION 'entry asset % does not match asset % of account %',
                NEW.asset, account_asset, NEW.account_id
                USING ERRCODE = 'check_violation';
        END IF;
        UPDATE ledger_balance SET amount = amount + NEW.amount
            WHERE account_id = NEW.account_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'account % has no balance row', NEW.account_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ledger_entry_apply AFTER INSERT ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_apply()
    """,
    """
    CREATE FUNCTION ledger_check_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_entry_transaction_balanced AFTER INSERT ON ledger_entry
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_balanced()
    """,
    """
    CREATE FUNCTION ledger_check_transaction_has_entries() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM ledger_entry WHERE transaction_id = NEW.id) THEN
            RAISE EXCEPTION 'ledger transaction % has no entries', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_transaction_has_entries AFTER INSERT ON ledger_transaction
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION ledger_check_transaction_has_entries()
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER ledger_transaction_has_entries ON ledger_transaction",
    "DROP FUNCTION ledger_check_transaction_has_entries()",
    "DROP TRIGGER ledger_entry_transaction_balanced ON ledger_entry",
    "DROP FUNCTION ledger_check_transaction_balanced()",
    "DROP TRIGGER ledger_entry_apply ON ledger_entry",
    "DROP FUNCTION ledger_entry_apply()",
    "DROP TRIGGER ledger_balance_moved_only_by_entries ON ledger_balance",
    "DROP TRIGGER ledger_balance_not_deleted ON ledger_balance",
    "DROP TRIGGER ledger_account_append_only ON ledger_account",
    "DROP TRIGGER ledger_transaction_append_only ON ledger_transaction",
    "DROP TRIGGER ledger_entry_append_only ON ledger_entry",
    "DROP FUNCTION ledger_refuse_change()",
]

SQLITE_FORWARD = [
    """
    CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: UPDATE on ledger_entry refused'); END
    """,
    """
    CREATE TRIGGER ledger_transaction_no_update BEFORE UPDATE ON ledger_transaction
    BEGIN
        SELECT RAISE(ABORT, 'ledger rows are append-only: UPDATE on ledger_transaction refused');
    END
    """,
    """
    CREATE TRIGGER ledger_account_no_update BEFORE UPDATE ON ledger_account
    BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: UPDATE on ledger_account refused'); END
    """,
    """
    CREATE TRIGGER ledger_balance_identity_fixed BEFORE UPDATE ON ledger_balance
    WHEN NEW.account_id IS NOT OLD.account_id OR NEW.asset IS NOT OLD.asset
        OR NEW.may_go_negative IS NOT OLD.may_go_negative
    BEGIN SELECT RAISE(ABORT, 'only the amount of a ledger balance changes'); END
    """,
    """
    CREATE TRIGGER ledger_entry_asset_matches_account BEFORE INSERT ON ledger_entry
    WHEN NEW.asset IS NOT (SELECT asset FROM ledger_account WHERE id = NEW.account_id)
    BEGIN SELECT RAISE(ABORT, 'entry asset does not match the asset of its account'); END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER ledger_entry_asset_matches_account",
    "DROP TRIGGER ledger_balance_identity_fixed",
    "DROP TRIGGER ledger_account_no_update",
    "DROP TRIGGER ledger_transaction_no_update",
    "DROP TRIGGER ledger_entry_no_update",
]

STATEMENTS = {
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, direction: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"the ledger's database rules are written for {set(STATEMENTS)}")
    for statement in STATEMENTS[vendor][direction]:
        # params=None: the PL/pgSQL bodies use % placeholders of their own.
        schema_editor.execute(statement, params=None)


def install_rules(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def remove_rules(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install_rules, remove_rules)]
