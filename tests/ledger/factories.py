"""Ledger accounts come from the service (it also creates the balance row), so the
factories build through it; `funded` puts money on an account the way a payment would."""

import uuid
from decimal import Decimal

import factory

from ledger.models import Account, Transaction
from ledger.services import Leg, account_get_or_create, ledger_post, system_account

TRACE_ID = "test-trace-0001"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    owner_kind = Account.OwnerKind.ORDER
    owner_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    asset = factory.LazyFunction(uuid.uuid4)
    purpose = Account.Purpose.AVAILABLE

    @classmethod
    def _create(cls, model_class: type[Account], **kwargs: object) -> Account:
        return account_get_or_create(**kwargs)


def funded(account: Account, amount: str | Decimal, *, key: str | None = None) -> Transaction:
    """Credit `account` from the outside world (a payment_credit)."""
    return ledger_post(
        idempotency_key=key or f"fund:{uuid.uuid4()}",
        code=Transaction.Code.PAYMENT_CREDIT,
        entries=[
            Leg(
                system_account(asset=account.asset, purpose=Account.Purpose.EXTERNAL),
                -Decimal(amount),
            ),
            Leg(account, Decimal(amount)),
        ],
        trace_id=TRACE_ID,
    )
