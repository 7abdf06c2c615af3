"""Against the three simulators: an order running in a campaign's pair is joined
automatically, trades, HuFi scores the cycle and pays to the node's Mixin deposit address;
the reward is matched, allocated by a manifest, booked (ledger clean) and paid to the
order's owner. Replaying the snapshot or the allocation changes nothing."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from campaigns.hufi import hufi_client
from campaigns.models import Campaign, CampaignParticipation, RewardReceipt
from campaigns.services.joining import campaign_joins_run
from campaigns.services.rewards import reward_allocate, rewards_collect
from executor.models import ExchangeFill
from ledger.models import Transaction
from ledger.selectors import ledger_violations
from orders.models import MarketMakingOrder, Payout
from orders.services import payouts
from tests.campaigns.reward_world import (  # noqa: F401 - the fixture hufi_sim
    campaign_create,
    cycle_paid,
    hufi_sim,
    read_only_key,
    sync,
)
from tests.orders.loop.harness import USDT, XIN, world  # noqa: F401 - fixture
from tests.orders.loop.test_payment_to_exchange import create_order

pytestmark = pytest.mark.django_db


def test_joined_order_trades_and_its_owner_is_paid_the_reward(
    world,  # noqa: F811
    hufi_sim,  # noqa: F811
    django_user_model,
    tmp_path,
):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    world.pay(user, body["payment"]["url"])
    order = world.drive(MarketMakingOrder.objects.get(pk=body["id"]), until="running")

    created = campaign_create(hufi_sim)
    sync()
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get("/api/v1/campaigns/", {"exchange": "binance", "pair": "XIN/USDT"}).json()
    assert [c["address"] for c in listed] == [created["address"].lower()]

    # No read-only key for the account yet: the join waits, shown, and the order trades on.
    assert campaign_joins_run() == {"blocked": 1}
    participation = CampaignParticipation.objects.get()
    assert "read-only key" in participation.last_error
    read_key = read_only_key(world)
    assert read_key.can_trade is False
    identity = participation.identity
    identity.read_key = read_key
    identity.save()
    assert campaign_joins_run() == {"joined": 1}
    assert campaign_joins_run() == {}  # joined once
    participation.refresh_from_db()
    assert list(participation.orders.all()) == [order]
    detail = api.get(f"/api/v1/campaigns/{created['chain_id']}-{created['address']}/").json()
    assert detail["participations"][0]["order_ids"] == [str(order.pk)]
    assert detail["our_order_count"] == 1

    # Our quotes trade; the executor settles the fill.
    for _ in range(20):
        world.step(order)
        if {o["side"].lower() for o in world.our_open_orders()} == {"buy", "sell"}:
            break
    world.take_our_best_ask()
    for _ in range(40):
        world.step(order)
        if ExchangeFill.objects.filter(tracked_order__order=order).exists():
            break
    fills = ExchangeFill.objects.filter(tracked_order__order=order)
    assert fills.exists()

    # HuFi pays the node's identity to the node's Mixin deposit address for USDT.
    reward = cycle_paid(hufi_sim, campaign=created, identity_address=identity.address)
    assert reward > 0
    world.intake()
    sync()
    before = world.mixin_balance(user, USDT)

    with hufi_client() as client:
        assert rewards_collect(client=client) == 1
    receipt = RewardReceipt.objects.get()
    assert receipt.state == "allocated" and receipt.amount == reward
    manifest = json.loads(receipt.manifest_json)
    assert manifest["inputs"]["quotes"] and manifest["outputs"]["flags"] == []  # honest
    assert [f["trade_id"] for f in manifest["inputs"]["fills"]] == sorted(
        fills.values_list("trade_id", flat=True)
    )
    (allocation,) = receipt.allocations.all()
    assert allocation.order_id == order.pk and allocation.amount == reward
    assert ledger_violations() == []
    for payout in Payout.objects.filter(status=Payout.Status.PENDING):
        payouts.payout_send(payout_id=payout.pk)
    assert world.mixin_balance(user, USDT) == before + reward

    # Replays change nothing: the snapshot seen again, the allocation run again.
    counts = (Transaction.objects.count(), Payout.objects.count(), RewardReceipt.objects.count())
    world.intake()
    with hufi_client() as client:
        assert rewards_collect(client=client) == 0
    reward_allocate(receipt_id=receipt.pk)
    assert (
        Transaction.objects.count(),
        Payout.objects.count(),
        RewardReceipt.objects.count(),
    ) == counts
    assert world.mixin_balance(user, USDT) == before + reward
    assert Campaign.objects.get().amount_paid == reward

    # The user sees the reward and its manifest, byte for byte; it verifies, and a changed
    # input does not.
    detail = api.get(f"/api/v1/campaigns/137-{created['address']}/").json()
    (shown,) = detail["rewards"]
    assert shown["manifest_sha256"] == receipt.manifest_sha256
    assert [Decimal(a["amount"]) for a in shown["allocations"]] == [reward]
    served = api.get(f"/api/v1/campaigns/rewards/{receipt.manifest_sha256}/")
    assert served.status_code == 200 and served.content == receipt.manifest_json.encode()
    assert api.get("/api/v1/campaigns/rewards/00/").status_code == 404
    path = tmp_path / "manifest.json"
    path.write_bytes(served.content)
    call_command("reward_verify", str(path))
    path.write_text(
        receipt.manifest_json.replace(f'"amount":"{reward.normalize():f}"', '"amount":"1"', 1)
    )
    with pytest.raises(CommandError):
        call_command("reward_verify", str(path))
