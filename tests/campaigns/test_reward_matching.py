"""Matching a deposit to a reward: the results file must match its hash, the amount must
be what HuFi owes us for a cycle, and an exit's return from the exchange is never taken
for a reward. (The HTTP side is in test_reward_end_to_end.py; here a results file served
from memory.)"""

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import CampaignParticipation, RewardReceipt
from campaigns.services.identity import identity_for_account
from campaigns.services.rewards import rewards_match
from orders.models import OrderLeg
from tests.campaigns.test_join_policy import campaign_row
from tests.orders.factories import MarketMakingOrderFactory
from wallet.models import MixinSnapshot

pytestmark = pytest.mark.django_db

USDT_POLYGON = "b91e18ff-a9ae-3dc7-8679-e935d9a4b34b"


class ResultsFiles:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def results_file(self, url: str) -> bytes:
        return self.files[url]


def results_file(campaign, identity, start) -> bytes:
    # pool 3; our score 10 of 30 → HuFi owes us 1.000000
    outcomes = [
        {"address": identity.address, "score": "10", "total_volume": "10"},
        {"address": "0x" + "9" * 40, "score": "20", "total_volume": "20"},
    ]
    cycle = {
        "from": start.isoformat(),
        "to": (start + timedelta(days=1)).isoformat(),
        "reserved_funds": "3",
        "total_volume": "30",
        "participants_outcomes_batches": [{"id": "b", "results": outcomes}],
    }
    document = {"chain_id": 137, "address": campaign.address, "results": [cycle]}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def deposit(amount: str, deposit_hash: str) -> MixinSnapshot:
    now = timezone.now()
    return MixinSnapshot.objects.create(
        snapshot_id=uuid.uuid4(),
        asset_id=USDT_POLYGON,
        amount=amount,
        created_at_text=now.isoformat(),
        mixin_created_at=now,
        deposit={"deposit_hash": deposit_hash, "sender": ""},
        direction="incoming",
        trace_id="t",
    )


@pytest.fixture
def joined(presets_seeded):
    order = MarketMakingOrderFactory()
    campaign = campaign_row()
    identity = identity_for_account(trading_key=order.api_key)
    participation = CampaignParticipation.objects.create(
        campaign=campaign, identity=identity, state="joined", joined_at=campaign.start_date
    )
    participation.orders.add(order)
    return campaign, identity, order


def serve(campaign, identity, *, tamper: bool = False) -> ResultsFiles:
    body = results_file(campaign, identity, campaign.start_date)
    url = f"http://hufi/results/{hashlib.sha256(body).hexdigest()}.json"
    campaign.intermediate_results_url = url
    campaign.save(update_fields=["intermediate_results_url"])
    return ResultsFiles({url: body + (b" " if tamper else b"")})


def test_the_owed_amount_is_matched_once(joined):
    campaign, identity, _ = joined
    client = serve(campaign, identity)
    deposit("0.5", "0xother")  # not what we are owed
    reward = deposit("1", "0xreward")
    (receipt,) = rewards_match(client=client)
    assert receipt.snapshot_id == reward.snapshot_id and receipt.cycle_from == campaign.start_date
    assert rewards_match(client=client) == []
    deposit("1", "0xsecond")  # the cycle is paid already: a second 1 is not this reward
    assert rewards_match(client=client) == []
    assert RewardReceipt.objects.count() == 1


def test_an_exit_return_is_never_a_reward(joined):
    campaign, identity, order = joined
    client = serve(campaign, identity)
    OrderLeg.objects.create(
        order=order,
        leg="quote",
        asset_id=USDT_POLYGON,
        chain_id=uuid.uuid4(),
        exchange_coin="USDT",
        network="ERC20",
        amount=1,
        exit_tx_hash="0xexit",
    )
    deposit("1", "0xexit")
    assert rewards_match(client=client) == []


def test_a_results_file_that_does_not_match_its_hash_matches_nothing(joined, caplog):
    campaign, identity, _ = joined
    deposit("1", "0xreward")
    assert rewards_match(client=serve(campaign, identity, tamper=True)) == []
    assert "does not match its hash" in caplog.text
