"""The seam to the metric snapshots (stored by the `metrics` side of reports/).

Every read of snapshots by PnL and the report bundle goes through these two functions.
Until the snapshot tables exist they return nothing, and the mark falls back to the other
stored prices (reports/marks.py). Once they exist, these functions read them and the
bundle carries them as facts without any other change.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any


def snapshot_rows(*, order_id: object, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The order's snapshots in [since, until), oldest first, as the bundle's plain rows."""
    return []


def snapshot_mid_latest(*, pair_id: int, at: datetime) -> tuple[Decimal, datetime] | None:
    """The latest sampled mid of the market at or before `at`, with its time."""
    return None


def stability_figures(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The stability figures of a window's snapshots (uptime, spread, depth), computed
    from the rows alone so the verifier recomputes them; None while no snapshot is stored."""
    return None
