"""Random sequences of postings, reversals, locks and releases, checked against a model of
the balances after every step; `ledger_violations` (what `ledger_check` runs) must agree."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from ledger.errors import AlreadyReversed, IdempotencyConflict, InsufficientBalance
from ledger.models import Account, Balance, Transaction
from ledger.selectors import ledger_violations
from ledger.services import (
    Leg,
    ledger_post,
    ledger_reverse,
    order_account,
    reservation_lock,
    reservation_release,
    system_account,
)

TRACE_ID = "stateful-trace"
ASSETS = [uuid.UUID(int=1), uuid.UUID(int=2)]
ORDERS = ["o1", "o2", "o3"]
ORDER_PURPOSES = ["available", "in_transit", "on_exchange", "locked", "fees"]
MOVES = [
    ("withdraw_to_exchange", "available", "in_transit"),
    ("deposit_confirmed", "in_transit", "on_exchange"),
    ("fee", "on_exchange", "fees"),
    ("withdraw_from_exchange", "on_exchange", "in_transit"),
    ("return_confirmed", "in_transit", "available"),
]

amounts = st.decimals(
    min_value=Decimal("0.00000001"), max_value=Decimal("500"), places=8, allow_nan=False
)
orders = st.sampled_from(ORDERS)
assets = st.sampled_from(ASSETS)


class LedgerMachine(RuleBasedStateMachine):
    posted = Bundle("posted")

    def __init__(self) -> None:
        super().__init__()
        # Each run starts from an empty ledger: its writes live in a savepoint rolled back
        # in teardown.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.expected: dict[int, Decimal] = {}
        self.legs_of: dict[int, list[tuple[int, Decimal]]] = {}
        self.reversed: set[int] = set()
        self.count = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def account(self, order: str | None, asset: uuid.UUID, purpose: str) -> Account:
        if order is None:
            account = system_account(asset=asset, purpose=purpose)
        else:
            account = order_account(order_id=order, asset=asset, purpose=purpose)
        self.expected.setdefault(account.pk, Decimal(0))
        return account

    def key(self) -> str:
        self.count += 1
        return f"key-{self.count}"

    def would_overdraw(self, legs: list[tuple[int, Decimal]]) -> bool:
        net: dict[int, Decimal] = {}
        for account_id, amount in legs:
            net[account_id] = net.get(account_id, self.expected[account_id]) + amount
        negative_ok = set(Account.objects.filter(may_go_negative=True).values_list("id", flat=True))
        return any(total < 0 and acc not in negative_ok for acc, total in net.items())

    def attempt(self, post, legs: list[tuple[int, Decimal]]):
        """Run `post`; it must fail with InsufficientBalance exactly when the model says so."""
        if self.would_overdraw(legs):
            with pytest.raises(InsufficientBalance):
                post()
            return None
        posted = post()
        for account_id, amount in legs:
            self.expected[account_id] += amount
        self.legs_of[posted.pk] = legs
        return posted.pk

    def post_legs(self, code: str, legs: list[tuple[Account, Decimal]]):
        key = self.key()
        result = self.attempt(
            lambda: ledger_post(
                idempotency_key=key,
                code=code,
                entries=[Leg(account, amount) for account, amount in legs],
                trace_id=TRACE_ID,
            ),
            [(account.pk, amount) for account, amount in legs],
        )
        return (result, key, code, legs)

    @rule(target=posted, order=orders, asset=assets, amount=amounts)
    def pay(self, order, asset, amount):
        return self.post_legs(
            "payment_credit",
            [
                (self.account(None, asset, "external"), -amount),
                (self.account(order, asset, "available"), amount),
            ],
        )

    @rule(target=posted, order=orders, asset=assets, amount=amounts, move=st.sampled_from(MOVES))
    def move(self, order, asset, amount, move):
        code, source, target = move
        return self.post_legs(
            code,
            [
                (self.account(order, asset, source), -amount),
                (self.account(order, asset, target), amount),
            ],
        )

    @rule(target=posted, order=orders, amount=amounts, base_amount=amounts)
    def fill(self, order, amount, base_amount):
        quote, base = ASSETS
        return self.post_legs(
            "fill_settle",
            [
                (self.account(order, quote, "locked"), -amount),
                (self.account(None, quote, "external"), amount),
                (self.account(None, base, "external"), -base_amount),
                (self.account(order, base, "on_exchange"), base_amount),
            ],
        )

    @rule(target=posted, order=orders, asset=assets, amount=amounts, lock=st.booleans())
    def reserve(self, order, asset, amount, lock):
        free = self.account(order, asset, "on_exchange")
        locked = self.account(order, asset, "locked")
        service, source, target = (
            (reservation_lock, free, locked) if lock else (reservation_release, locked, free)
        )
        key = self.key()
        result = self.attempt(
            lambda: service(
                order_id=order, asset=asset, amount=amount, idempotency_key=key, trace_id=TRACE_ID
            ),
            [(source.pk, -amount), (target.pk, amount)],
        )
        code = "reserve_lock" if lock else "reserve_release"
        return (result, key, code, [(source, -amount), (target, amount)])

    @rule(item=consumes(posted))
    def reverse(self, item):
        tx_id = item[0]
        if tx_id is None:
            return
        original = Transaction.objects.get(pk=tx_id)
        if tx_id in self.reversed:
            with pytest.raises(AlreadyReversed):
                ledger_reverse(transaction=original, idempotency_key=self.key(), reason="again")
            return
        legs = [(account_id, -amount) for account_id, amount in self.legs_of[tx_id]]
        key = self.key()
        result = self.attempt(
            lambda: ledger_reverse(transaction=original, idempotency_key=key, reason="undo"), legs
        )
        if result is not None:
            self.reversed.add(tx_id)

    @rule(item=posted)
    def replay(self, item):
        tx_id, key, code, legs = item
        if tx_id is None:
            return
        posted_count = Transaction.objects.count()
        again = ledger_post(
            idempotency_key=key,
            code=code,
            entries=[Leg(account, amount) for account, amount in reversed(legs)],
            trace_id="a-retry-trace",
        )
        assert again.pk == tx_id
        assert Transaction.objects.count() == posted_count

    @rule(item=posted, extra=amounts)
    def reuse_key_for_other_content(self, item, extra):
        tx_id, key, code, legs = item
        if tx_id is None:
            return
        (first, first_amount), (second, second_amount), *rest = legs
        changed = [(first, first_amount - extra), (second, second_amount + extra), *rest]
        if first.pk == second.pk:
            return
        with pytest.raises(IdempotencyConflict):
            ledger_post(
                idempotency_key=key,
                code=code,
                entries=[Leg(account, amount) for account, amount in changed],
                trace_id=TRACE_ID,
            )

    @invariant()
    def balances_match_the_model_and_the_ledger_is_sound(self):
        if connection.vendor == "postgresql":
            # Fire the deferred per-transaction checks now, not at a commit that never comes.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        stored = dict(Balance.objects.values_list("account_id", "amount"))
        assert stored == self.expected
        assert ledger_violations() == []


@pytest.mark.django_db
def test_random_ledger_histories_keep_every_invariant():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
