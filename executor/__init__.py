"""The executor: ticks quoting orders against their exchange, with risk controls.

The orders app uses it through `executor.services` (register, pause, resume, cancel all)
and reads an order's executor events through `executor.selectors`. docs/executor.md maps
the modules: tick (orchestration), schedule (lease), gates (risk verdicts), placement,
state_store, exchange_sync and settlement (the exchange into the ledger), events.
"""
