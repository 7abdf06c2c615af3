"""One order's working set during a tick: its state, its parsed config, its exchange
orders, what the strategy and the risk gates decided, and the events to record."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from executor.events import EventDraft, event_draft
from executor.models import LIVE_STATUSES, CancelReason, ExecutorState, TrackedOrder
from executor.state_store import cold_fields_of
from strategy import (
    Balances,
    Decision,
    OpenOrder,
    Quote,
    Side,
    StrategyParams,
    StrategyState,
    state_from_dict,
    validate_params,
)


@dataclass
class OrderTick:
    state: ExecutorState
    params: StrategyParams
    strategy_state: StrategyState
    tracked: list[TrackedOrder] = field(default_factory=list)
    balances: Balances | None = None
    decision: Decision | None = None
    cancel_ids: set[str] = field(default_factory=set)
    cancel_reason: CancelReason = CancelReason.REFRESH
    creates: list[Quote] = field(default_factory=list)
    events: list[EventDraft] = field(default_factory=list)
    state_dirty: bool = False
    cold_before: tuple = ()

    def __post_init__(self) -> None:
        self.cold_before = cold_fields_of(self.state)

    @classmethod
    def of(cls, state: ExecutorState, strategy_state: StrategyState | None = None) -> OrderTick:
        """`strategy_state`: the row's strategy state already parsed (a kept working set's),
        else it is parsed from the row."""
        if strategy_state is None:
            strategy_state = state_from_dict(state.strategy_state)
        return cls(
            state=state,
            params=params_parsed(state.config_hash, state.config),
            strategy_state=strategy_state,
        )

    @property
    def order_id(self) -> UUID:
        return self.state.order_id

    @property
    def live(self) -> list[TrackedOrder]:
        return [t for t in self.tracked if t.status in LIVE_STATUSES]

    def event(self, kind: str, reason: str, **figures: object) -> None:
        self.events.append(event_draft(kind, reason, **figures))

    def kill_switch_trip(self, reason: str) -> None:
        """The order quotes nothing more until an operator resets its switch."""
        self.state.kill_switch_tripped = True
        self.state.kill_switch_reason = reason
        self.state_dirty = True


_params_cache: dict[str, StrategyParams] = {}


def params_parsed(config_hash: str, config: dict) -> StrategyParams:
    """Frozen configs never change under their hash, so they are parsed once per process."""
    params = _params_cache.get(config_hash)
    if params is None:
        params = _params_cache[config_hash] = validate_params(config)
    return params


def open_order_of(tracked: TrackedOrder) -> OpenOrder:
    """A tracked order as the strategy sees it."""
    return OpenOrder(
        id=tracked.client_order_id,
        side=Side(tracked.side),
        price=tracked.price,
        amount=tracked.remaining,
        created_at=tracked.created_at,
        level=tracked.level,
    )
