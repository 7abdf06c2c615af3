"""Registering an order opens the ledger accounts its quotes and fills post to, so its
first tick reads and inserts none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from executor.settlement import ORDER_PURPOSES
from ledger.models import Account
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db


def test_registration_opens_every_account_and_the_first_tick_creates_none():
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")  # registered with the executor
    opened = set(
        Account.objects.filter(owner_kind="order", owner_id=str(order.pk)).values_list(
            "asset", "purpose"
        )
    )
    pair = market.pair
    assert opened >= {
        (asset, purpose)
        for asset in (pair.base_asset_id, pair.quote_asset_id)
        for purpose in ORDER_PURPOSES
    }
    before = Account.objects.count()
    with CaptureQueriesContext(connection) as tick:
        report = market.tick()
    assert report.created == 2
    assert Account.objects.count() == before
    assert not [q for q in tick.captured_queries if 'INTO "ledger_account"' in q["sql"]]
