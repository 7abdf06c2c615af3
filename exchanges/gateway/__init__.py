"""The venue port: every call the product makes to an exchange goes through a gateway.

    from exchanges.gateway import ExchangeGateway, gateway_for_api_key
    gateway: ExchangeGateway = gateway_for_api_key(api_key_id)   # cached per key

protocol      `ExchangeGateway`, the port, and the frozen values it answers with; its
              docstring says how amounts, ids and errors travel.
guards        the checks and the quantization every gateway runs before a call.
ccxt_adapter  `CcxtGateway` over an unmodified ccxt exchange class, and its error mapping.
registry      the gateway of a stored API key (one per key per process), or a keyless one.

The other implementation, `demo.inprocess_gateway.InProcessGateway`, runs over the venue
simulator's engine in the same process, for unit tests and benchmarks.
"""

from exchanges.gateway.ccxt_adapter import (
    DEFAULT_TIMEOUT_MS,
    CcxtGateway,
    ccxt_client,
    classify_ccxt_error,
)
from exchanges.gateway.guards import BUY, SELL, order_quantize
from exchanges.gateway.protocol import (
    Balance,
    Balances,
    Deposit,
    DepositAddress,
    ExchangeGateway,
    ExchangeOrder,
    Fill,
    MarketInfo,
    OrderBook,
    PriceLevel,
    Ticker,
    Withdrawal,
)
from exchanges.gateway.registry import gateway_for_api_key, public_gateway_for_exchange

__all__ = [
    "BUY",
    "DEFAULT_TIMEOUT_MS",
    "SELL",
    "Balance",
    "Balances",
    "CcxtGateway",
    "Deposit",
    "DepositAddress",
    "ExchangeGateway",
    "ExchangeOrder",
    "Fill",
    "MarketInfo",
    "OrderBook",
    "PriceLevel",
    "Ticker",
    "Withdrawal",
    "ccxt_client",
    "classify_ccxt_error",
    "gateway_for_api_key",
    "order_quantize",
    "public_gateway_for_exchange",
]
