"""The executor: ticks running orders against their exchange, with risk controls.

Services in `executor.services`, reads in `selectors`, Celery tasks in `tasks`,
the limits in `risk`, exchange → ledger settlement in `settlement` and `reconcile`.
"""
