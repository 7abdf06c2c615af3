"""The venue's deposits and withdrawals: deposit addresses, transfers arriving from the
simulated chain, withdrawals leaving after their delay and their delivery to the peer.

A part of Venue (simulators.venue.venue), which holds the records, the clock and the lock.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from decimal import Decimal
from typing import TYPE_CHECKING

import requests

from simulators.venue import wallet
from simulators.venue.clock import Clock
from simulators.venue.engine import Engine
from simulators.venue.errors import VenueError

if TYPE_CHECKING:
    from simulators.venue.venue import Account

logger = logging.getLogger(__name__)


class VenueTransfers:
    seed: int
    peer_url: str
    clock: Clock
    lock: threading.RLock
    engine: Engine
    accounts: dict[str, Account]
    coins: dict[tuple[str, str], wallet.CoinNetwork]
    addresses: dict[str, wallet.DepositAddress]
    deposits: list[wallet.Deposit]
    deposits_by_tx: dict[str, wallet.Deposit]
    withdrawals: list[wallet.Withdrawal]
    withdrawals_by_client_id: dict[tuple[str, str], wallet.Withdrawal]
    peer_outbox: queue.Queue[wallet.Withdrawal | None]
    _ids: itertools.count[int]

    def deposit_address(
        self, account: Account, *, coin: str, network: str
    ) -> wallet.DepositAddress:
        account.require("read")
        with self.lock:
            self.coin(coin, network)
            address = wallet.deposit_address_for(
                seed=self.seed, account=account.account_id, coin=coin, network=network
            )
            record = self.addresses.get(address)
            if record is None:
                record = wallet.DepositAddress(account.account_id, coin, network, address)
                self.addresses[address] = record
            return record

    def _address_owner(self, address: str) -> wallet.DepositAddress | None:
        """An address handed out before a restart: addresses derive from seed and account."""
        for account in self.accounts.values():
            for coin, network in self.coins:
                if address == wallet.deposit_address_for(
                    seed=self.seed, account=account.account_id, coin=coin, network=network
                ):
                    record = wallet.DepositAddress(account.account_id, coin, network, address)
                    self.addresses[address] = record
                    return record
        return None

    def chain_incoming(
        self,
        *,
        address: str,
        tag: str,
        amount: Decimal,
        tx_hash: str,
        coin: str = "",
        network: str = "",
    ) -> wallet.Deposit:
        """A transfer seen on the simulated chain; credited after the coin's deposit delay."""
        if amount <= 0 or not tx_hash:
            raise ValueError("an incoming transfer needs a positive amount and a tx_hash")
        with self.lock:
            target = self.addresses.get(address) or self._address_owner(address)
            if target is None:
                raise ValueError(f"{address} is not a deposit address of this venue")
            if (coin and coin != target.coin) or (network and network != target.network):
                raise ValueError(f"{address} receives {target.coin} on {target.network}")
            existing = self.deposits_by_tx.get(tx_hash)
            if existing is not None:
                return existing
            deposit = wallet.Deposit(
                deposit_id=str(next(self._ids)),
                account=target.account,
                coin=target.coin,
                network=target.network,
                address=address,
                tag=tag,
                amount=amount,
                tx_hash=tx_hash,
                insert_time_ms=self.clock.now_ms(),
            )
            self.deposits.append(deposit)
            self.deposits_by_tx[tx_hash] = deposit
            delay = self.coin(target.coin, target.network).deposit_delay_ms
            self._schedule(delay, lambda: self._deposit_complete(deposit))
        self.run_due()
        return deposit

    def _deposit_complete(self, deposit: wallet.Deposit) -> None:
        self.engine.credit(account=deposit.account, asset=deposit.coin, amount=deposit.amount)
        deposit.status = wallet.DEPOSIT_SUCCESS

    def deposits_of(
        self, account: Account, *, coin: str | None, start_ms: int | None
    ) -> list[wallet.Deposit]:
        account.require("read")
        with self.lock:
            return [
                d
                for d in self.deposits
                if d.account == account.account_id
                and (not coin or d.coin == coin)
                and (start_ms is None or d.insert_time_ms >= start_ms)
            ]

    def withdraw(
        self,
        account: Account,
        *,
        coin: str,
        network: str,
        address: str,
        tag: str,
        amount: Decimal,
        withdraw_order_id: str,
    ) -> wallet.Withdrawal:
        """Debit now, leave after the coin's delay; one withdrawal per withdrawOrderId."""
        account.require("withdraw")
        with self.lock:
            if withdraw_order_id:
                existing = self.withdrawals_by_client_id.get(
                    (account.account_id, withdraw_order_id)
                )
                if existing is not None:
                    same = (existing.coin, existing.network, existing.address, existing.tag)
                    if same != (coin, network, address, tag) or existing.amount != amount:
                        raise VenueError.withdrawal_refused(
                            f"withdrawOrderId {withdraw_order_id} names another withdrawal."
                        )
                    return existing
            config = self.coin(coin, network)
            if not address or " " in address:
                raise VenueError.withdrawal_refused("The address is not valid.")
            if amount < config.withdraw_min or amount <= config.withdraw_fee:
                raise VenueError.withdrawal_refused(
                    f"The withdrawal amount must be at least {config.withdraw_min} and more "
                    f"than the fee {config.withdraw_fee}."
                )
            self.engine.debit(account=account.account_id, asset=coin, amount=amount)
            self.engine.fees_collected[coin] += config.withdraw_fee
            self.engine.external_net[coin] += config.withdraw_fee
            record = wallet.Withdrawal(
                withdrawal_id=wallet.chain_tx_hash("withdrawal", self.seed, next(self._ids))[:32],
                withdraw_order_id=withdraw_order_id,
                account=account.account_id,
                coin=coin,
                network=network,
                address=address,
                tag=tag,
                amount=amount,
                fee=config.withdraw_fee,
                apply_time_ms=self.clock.now_ms(),
            )
            self.withdrawals.append(record)
            if withdraw_order_id:
                self.withdrawals_by_client_id[(account.account_id, withdraw_order_id)] = record
            self._schedule(config.withdraw_delay_ms, lambda: self._withdrawal_complete(record))
        self.run_due()
        return record

    def _withdrawal_complete(self, record: wallet.Withdrawal) -> None:
        record.tx_hash = wallet.chain_tx_hash("tx", record.withdrawal_id)
        record.status = wallet.WITHDRAWAL_COMPLETED
        if self.peer_url:
            self.peer_outbox.put(record)

    def withdrawals_of(
        self,
        account: Account,
        *,
        coin: str | None,
        start_ms: int | None,
        withdraw_order_id: str = "",
    ) -> list[wallet.Withdrawal]:
        account.require("read")
        with self.lock:
            return [
                w
                for w in self.withdrawals
                if w.account == account.account_id
                and (not coin or w.coin == coin)
                and (start_ms is None or w.apply_time_ms >= start_ms)
                and (not withdraw_order_id or w.withdraw_order_id == withdraw_order_id)
            ]

    def peer_deliver(self, record: wallet.Withdrawal) -> bool:
        """Tell the peer (the Mixin simulator) that a withdrawal arrived on its side."""
        config = self.coins[(record.coin, record.network)]
        transfer = {
            "asset_id": config.mixin_asset_id,
            "address": record.address,
            "tag": record.tag,
            "amount": str(record.chain_amount),
            "tx_hash": record.tx_hash,
        }
        try:
            response = requests.post(
                f"{self.peer_url}/_sim/chain/incoming", json=transfer, timeout=10
            )
            response.raise_for_status()
        except requests.RequestException as exc:
            record.peer_delivery = f"failed: {exc}"
            logger.warning("peer did not take a withdrawal", extra={"error": str(exc)})
            return False
        record.peer_delivery = "sent"
        return True
