"""The operator panel: active orders by state, exposure per exchange and asset with the
locked share, fees earned from the ledger's revenue, and the status page's alerts."""

import pytest
from django.urls import reverse

from ledger.models import Account
from tests.ledger.factories import AccountFactory, funded
from tests.orders.factories import MarketMakingOrderFactory

pytestmark = pytest.mark.django_db


def test_the_panel_adds_up_orders_exposure_fees_and_alerts(
    client, admin_client_user, presets_seeded, settings
):
    settings.STATUS_CHECK_TIMEOUT_SECONDS = 1
    settings.MIXIN_API_BASE = "http://127.0.0.1:9"  # nothing listens: an alert
    order = MarketMakingOrderFactory()
    MarketMakingOrderFactory(pair=order.pair)
    asset = order.pair.base_asset_id
    for purpose, amount in ((Account.Purpose.ON_EXCHANGE, "3"), (Account.Purpose.LOCKED, "1")):
        account = AccountFactory(owner_id=str(order.pk), asset=asset, purpose=purpose)
        funded(account, amount)
    revenue = AccountFactory(
        owner_kind=Account.OwnerKind.SYSTEM,
        owner_id="",
        asset=asset,
        purpose=Account.Purpose.REVENUE,
    )
    funded(revenue, "0.25")
    client.force_login(admin_client_user)

    page = client.get(reverse("admin-panel")).content.decode()

    assert '<span id="active-orders">2</span>' in page
    symbol = order.pair.base_symbol
    row = (
        f"<td>{order.pair.exchange.name}</td><td>{symbol}</td><td>3.00000000</td>"
        "<td>1.00000000</td><td>4.00000000</td><td>25.0 %</td>"
    )
    assert row in page
    assert f"<td>{symbol}</td><td>0.25000000</td>" in page
    assert "<strong>mixin</strong> critical" in page
    assert "Not recorded yet" in page
