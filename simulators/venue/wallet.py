"""The venue's wallet side: coins and networks, deposit addresses, deposits, withdrawals.

Records only; the venue (simulators.venue.venue) moves the balances and keeps time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

# Binance's deposit history statuses: 0 pending, 1 success. Withdrawals: 4 processing,
# 6 completed.
DEPOSIT_PENDING, DEPOSIT_SUCCESS = 0, 1
WITHDRAWAL_PROCESSING, WITHDRAWAL_COMPLETED = 4, 6


@dataclass
class CoinNetwork:
    coin: str
    network: str
    withdraw_fee: Decimal = Decimal(0)
    withdraw_min: Decimal = Decimal(0)
    withdraw_delay_ms: int = 0
    deposit_delay_ms: int = 0
    mixin_asset_id: str = ""


@dataclass(frozen=True)
class DepositAddress:
    account: str
    coin: str
    network: str
    address: str
    tag: str = ""


@dataclass
class Deposit:
    deposit_id: str
    account: str
    coin: str
    network: str
    address: str
    tag: str
    amount: Decimal
    tx_hash: str
    insert_time_ms: int
    status: int = DEPOSIT_PENDING


@dataclass
class Withdrawal:
    withdrawal_id: str
    withdraw_order_id: str
    account: str
    coin: str
    network: str
    address: str
    tag: str
    amount: Decimal  # what the account was debited
    fee: Decimal  # kept by the venue; the chain carries amount − fee
    apply_time_ms: int
    status: int = WITHDRAWAL_PROCESSING
    tx_hash: str = ""
    peer_delivery: str = ""  # "", "sent" or the last error

    @property
    def chain_amount(self) -> Decimal:
        return self.amount - self.fee


def deposit_address_for(*, seed: int, account: str, coin: str, network: str) -> str:
    """A stable address, unique per account, coin and network (so it names all three)."""
    digest = hashlib.sha256(f"{seed}:{account}:{coin}:{network}".encode()).hexdigest()
    return f"sim{digest[:40]}"


def chain_tx_hash(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
