"""The demo's HuFi campaign: a market-making campaign for XIN/USDT on the HuFi simulator,
the demo venue account's read-only key for HuFi, and the node's identity paid to its Mixin
deposit address, so an order created in the demo joins it (docs/campaigns.md).

Like the other simulators, the HuFi simulator starts empty: every start configures it
again with fixed ids (the campaign's address, the read key), and the product's records
that describe the simulator's memory (joins, the registered key) start over with it.
"""

from datetime import UTC, datetime, timedelta

import httpx

from campaigns.hufi import hufi_client
from campaigns.models import CampaignParticipation, HufiIdentity
from campaigns.services.discovery import campaigns_sync
from campaigns.services.identity import identity_client, identity_for_account
from demo.scenarios import api_key_validate_now
from demo.services import USDT, VENUE_API_KEY
from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_create
from simulators.venue.control import SimulatorControl
from wallet.client import mixin_client
from wallet.services.deposits import deposit_entry_for_chain

HUFI_CHAIN_ID = 1  # USDT on Ethereum: the demo's USDT (Mixin's ERC20 USDT)
CAMPAIGN_ADDRESS = "0x000000000000000000000000000000000000dE30"
CAMPAIGN_DAYS = 7
READ_KEY = "mrmarket-demo-venue-read-key-0001"
READ_SECRET = "mrmarket-demo-venue-read-secret-01"  # noqa: S105 - the simulator's, public by design
READ_KEY_LABEL = "demo read-only key (HuFi)"


def demo_hufi_configure(*, hufi_url: str, venue_url: str, usdt_asset_id: str) -> None:
    """The venue as HuFi's `binance`, USDT paid to Mixin, and the XIN/USDT campaign."""
    with httpx.Client(base_url=hufi_url, timeout=10) as http:

        def post(path: str, body: dict) -> httpx.Response:
            return http.post(path, json=body)

        post("/_sim/exchanges", {"name": "binance", "api_base_url": venue_url})
        token = {"chain_id": HUFI_CHAIN_ID, "symbol": "USDT", "decimals": 6, "usd_price": "1"}
        post("/_sim/tokens", {**token, "mixin_asset_id": usdt_asset_id})
        start = datetime.now(UTC) - timedelta(minutes=1)
        manifest = {
            "type": "MARKET_MAKING",
            "exchange": "binance",
            "pair": "XIN/USDT",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=CAMPAIGN_DAYS)).isoformat(),
            "daily_volume_target": 1000,
        }
        body = {
            "chain_id": HUFI_CHAIN_ID,
            "fund_token": "USDT",
            "fund_amount": str(100 * CAMPAIGN_DAYS),
            "manifest": manifest,
            "address": CAMPAIGN_ADDRESS,
        }
        answer = post("/_sim/campaigns", body)
        if answer.status_code not in (200, 409):  # 409: made by an earlier seed of this run
            raise RuntimeError(f"the HuFi simulator refused the demo campaign: {answer.text}")


def demo_campaign_records(
    *, venue_url: str, trading_key: ExchangeAPIKey, venue_api_key: str
) -> HufiIdentity:
    """The read-only key of the demo account, linked to the account's HuFi identity; the
    simulator's joins and keys are forgotten on its restart, so ours start over too."""
    SimulatorControl(venue_url).call(
        "POST",
        f"/_sim/accounts/{venue_api_key}/keys",
        {"permissions": ["read"], "api_key": READ_KEY, "secret": READ_SECRET},
    )
    read_key = ExchangeAPIKey.objects.filter(
        exchange=trading_key.exchange, label=READ_KEY_LABEL
    ).first() or api_key_create(
        exchange=trading_key.exchange,
        label=READ_KEY_LABEL,
        api_key=READ_KEY,
        secret=READ_SECRET,
        permission=ExchangeAPIKey.Permission.READ,
    )
    api_key_validate_now(api_key=read_key)
    identity = identity_for_account(trading_key=trading_key)
    HufiIdentity.objects.filter(pk=identity.pk).update(read_key=read_key, read_key_registered=None)
    CampaignParticipation.objects.filter(identity=identity).update(
        state=CampaignParticipation.State.PENDING, joined_at=None, attempts=0, last_error=""
    )
    identity.refresh_from_db()
    return identity


def demo_hufi_payout(*, hufi_url: str, identity: HufiIdentity, usdt_chain_id: object) -> None:
    """Sign the identity in (HuFi knows it from then on) and have its rewards sent to the
    node's Mixin deposit address for USDT's chain (the forwarding hop, folded)."""
    with identity_client(identity) as client:
        client.login()
    with mixin_client() as client:
        entry = deposit_entry_for_chain(chain_id=usdt_chain_id, client=client)  # type: ignore[arg-type]
    answer = httpx.post(
        f"{hufi_url}/_sim/users/{identity.address}/payout-address",
        json={"payout_address": entry.destination},
        timeout=10,
    )
    answer.raise_for_status()
    with hufi_client() as client:
        campaigns_sync(client=client)


def demo_campaign_seed(*, hufi_url: str, venue_url: str, trading_key: ExchangeAPIKey) -> None:
    demo_hufi_configure(hufi_url=hufi_url, venue_url=venue_url, usdt_asset_id=str(USDT.asset_id))
    identity = demo_campaign_records(
        venue_url=venue_url, trading_key=trading_key, venue_api_key=VENUE_API_KEY
    )
    demo_hufi_payout(hufi_url=hufi_url, identity=identity, usdt_chain_id=USDT.chain_id)
