"""A venue simulator with XIN/USDT, a HuFi simulator pointed at it, and participants who
log in with an EVM key, trade on the venue and hand HuFi a read-only key.

`read_only_key` adds a second, read-only key to a venue account (the venue's
`POST /_sim/accounts/<api_key>/keys` does the same over HTTP).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import ccxt
import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from simulators.hufi.server import start_in_thread as hufi_start
from simulators.hufi.world import HufiWorld
from simulators.venue.control import SimulatorControl
from simulators.venue.server import start_in_thread as venue_start
from simulators.venue.venue import Venue
from tests.exchanges.venue_fixtures import binance_client
from tests.wallet.conftest import keystore, mixin_sim  # noqa: F401 - fixtures

PAIR = "XIN/USDT"
EXCHANGE = "binance"
CHAIN_ID = 137
USDT_MIXIN_ASSET = "b91e18ff-a9ae-3dc7-8679-e935d9a4b34b"


@dataclass
class Participant:
    account: LocalAccount
    oracle: httpx.Client  # logged in to the recording oracle
    trader: ccxt.binance  # trades on the venue
    read_key: tuple[str, str]  # (api key, secret): read-only, same venue account

    @property
    def address(self) -> str:
        return self.account.address


@pytest.fixture
def venue() -> Iterator[tuple[Venue, str]]:
    venue = Venue(seed=5)
    url, stop = venue_start(venue=venue, agent_interval_s=0)
    control = SimulatorControl(url)
    control.market_create(
        symbol=PAIR, mid="100", tick_size="0.01", step_size="0.001", min_notional="1", agents=False
    )
    control.coin_configure(coin="XIN", network="MIXIN", withdraw_fee="0.01")
    yield venue, url
    stop()


@pytest.fixture
def hufi_world() -> HufiWorld:
    return HufiWorld(seed=3)


@pytest.fixture
def hufi(hufi_world: HufiWorld, venue: tuple[Venue, str]) -> Iterator[httpx.Client]:
    """A client on the HuFi simulator, with the venue as `binance` and USDT on Polygon."""
    url, stop = hufi_start(world=hufi_world)
    client = httpx.Client(base_url=url, timeout=20)
    control(client, "/_sim/exchanges", {"name": EXCHANGE, "api_base_url": venue[1]})
    control(
        client,
        "/_sim/tokens",
        {
            "chain_id": CHAIN_ID,
            "symbol": "USDT",
            "decimals": 6,
            "mixin_asset_id": USDT_MIXIN_ASSET,
            "usd_price": "1",
        },
    )
    yield client
    client.close()
    stop()


def control(client: httpx.Client, path: str, body: dict | None = None) -> dict:
    response = client.post(path, json=body or {})
    assert response.status_code == 200, response.text
    return response.json()


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def mm_manifest(**overrides: object) -> dict:
    start = datetime.now(UTC) - timedelta(minutes=1)
    return {
        "type": "MARKET_MAKING",
        "exchange": EXCHANGE,
        "pair": PAIR,
        "start_date": iso(start),
        "end_date": iso(start + timedelta(days=3)),
        "daily_volume_target": 1000,
        **overrides,
    }


@pytest.fixture
def campaign(hufi: httpx.Client) -> Callable[..., dict]:
    def create(manifest: dict | None = None, fund_amount: str = "900", **extra: object) -> dict:
        body = {
            "chain_id": CHAIN_ID,
            "fund_token": "USDT",
            "fund_amount": fund_amount,
            "manifest": manifest or mm_manifest(),
            **extra,
        }
        return control(hufi, "/_sim/campaigns", body)

    return create


def read_only_key(venue: Venue, api_key: str) -> tuple[str, str]:
    key = venue.account_key_add(api_key=api_key, permissions=["read"])
    return key.api_key, key.secret


def login(client: httpx.Client, account: LocalAccount) -> dict:
    nonce = client.post("/oracle/auth/nonce", json={"address": account.address}).json()["nonce"]
    message = encode_defunct(text=f'{{"nonce":"{nonce}"}}')
    signature = account.sign_message(message).signature.hex()
    response = client.post(
        "/oracle/auth", json={"address": account.address, "signature": signature}
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def participant(
    hufi: httpx.Client, venue: tuple[Venue, str]
) -> Iterator[Callable[..., Participant]]:
    clients: list[httpx.Client] = []

    def make(*, register: bool = True, same_account_as: Participant | None = None) -> Participant:
        account = Account.create()
        oracle = httpx.Client(base_url=str(hufi.base_url), timeout=20)
        clients.append(oracle)
        tokens = login(oracle, account)
        oracle.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        if same_account_as is None:
            control_api = SimulatorControl(venue[1])
            created = control_api.account_create(label="mm", permissions=["read", "trade"])
            control_api.credit(api_key=created["api_key"], asset="XIN", amount="100")
            control_api.credit(api_key=created["api_key"], asset="USDT", amount="10000")
            trader = binance_client(venue[1], created["api_key"], created["secret"])
            read_key = read_only_key(venue[0], created["api_key"])
        else:
            trader, read_key = (
                same_account_as.trader,
                read_only_key(venue[0], same_account_as.trader.apiKey),
            )
        if register:
            response = oracle.post(
                "/oracle/exchange-api-keys",
                json={"exchange_name": EXCHANGE, "api_key": read_key[0], "secret_key": read_key[1]},
            )
            assert response.status_code == 200, response.text
        return Participant(account, oracle, trader, read_key)

    yield make
    for client in clients:
        client.close()


def join(participant: Participant, campaign: dict) -> dict:
    response = participant.oracle.post(
        "/oracle/campaigns/join",
        json={"chain_id": campaign["chain_id"], "address": campaign["address"]},
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def traded_campaign(campaign, participant) -> tuple[dict, Participant, Participant]:
    """A market-making campaign both participants joined, then one fill of 2 XIN at 100."""
    created = campaign()
    maker, taker = participant(), participant()
    join(maker, created)
    join(taker, created)
    trade(maker, taker, amount="2", price="100")
    return created, maker, taker


def trade(maker: Participant, taker: Participant, *, amount: str, price: str) -> None:
    """`maker` rests a sell at `price`; `taker` buys it at market: one fill of amount × price."""
    maker.trader.create_order(PAIR, "limit", "sell", float(amount), float(price))
    taker.trader.create_order(PAIR, "market", "buy", float(amount))
