"""The rows a worker's last tick of a market left in memory: the quoting orders' executor
states and their unreleased tracked orders, as that tick stored them.

With them it keeps each order's strategy state as parsed (the JSON of `strategy_state`
need not be parsed again) and the orders' ledger accounts the tick looked up
(executor.settlement.LedgerAccounts): an account's identity never changes once it is
opened.

The next tick of the market in the same process uses them instead of reading them again
when the lease it takes finds the version the earlier tick's lease left
(executor.schedule): no other tick, cancel-all or write outside a tick touched them since.
What the tick does not keep, it reads every time: the free balances (deposits and exits
move them outside the executor; read by the accounts' ids, which never change) and the
global kill switch (read with the lease).

A tick keeps its rows only when it ended normally and none of its exchange calls failed
(a failed call can leave a row changed in memory and not yet stored). A kept set is used
once, and at most KEPT_SECONDS after it was kept: a change made outside the executor's
services (an operator's edit of a pair in the database, say) reaches the ticks by then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from executor.models import ExecutorState, TrackedOrder
from executor.settlement import LedgerAccounts
from strategy import StrategyState

KEPT_SECONDS = 30.0
# Markets kept per process; the oldest kept is let go beyond it.
MAX_MARKETS = 2_000


@dataclass
class WorkingSet:
    version: int
    states: list[ExecutorState]
    tracked: list[TrackedOrder]
    # The orders' `on_exchange` account ids (selectors.MarketTickReads.balance_accounts).
    balance_accounts: dict[int, tuple[str, str]]
    ledger_accounts: LedgerAccounts
    # Each order's strategy state (by order id), the parsed form of its state's JSON.
    strategy_states: dict[str, StrategyState]
    kept_at: float = field(default_factory=time.monotonic)


_kept: dict[int, WorkingSet] = {}


def working_set_take(*, pair_id: int, version: int) -> WorkingSet | None:
    """The rows kept for the market if they are still the stored ones at `version`; they
    are handed out once (a tick that fails leaves nothing kept)."""
    kept = _kept.pop(pair_id, None)
    if kept is None or kept.version != version:
        return None
    if time.monotonic() - kept.kept_at > KEPT_SECONDS:
        return None
    return kept


def working_set_keep(
    *,
    pair_id: int,
    version: int,
    states: list[ExecutorState],
    tracked: list[TrackedOrder],
    balance_accounts: dict[int, tuple[str, str]],
    ledger_accounts: LedgerAccounts,
    strategy_states: dict[str, StrategyState],
) -> None:
    _kept.pop(pair_id, None)
    if len(_kept) >= MAX_MARKETS:
        del _kept[next(iter(_kept))]
    _kept[pair_id] = WorkingSet(
        version=version,
        states=states,
        tracked=tracked,
        balance_accounts=balance_accounts,
        ledger_accounts=ledger_accounts,
        strategy_states=strategy_states,
    )
