"""The layout of docs/architecture.md holds: small modules in every package.

A module above the limit is doing more than one job (executor/tick.py once held five);
migrations are exempt because they are generated.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "core",
    "strategy",
    "mixin_kernel",
    "ledger",
    "exchanges",
    "wallet",
    "executor",
    "orders",
    "reports",
    "campaigns",
    "simulators",
    "demo",
    "mrmarket",
]
MAX_LINES = 500


def test_no_module_in_a_package_is_above_the_limit():
    too_long = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_LINES:
                too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}, f"split these along their seams: {too_long}"


def test_every_package_of_the_layout_exists():
    assert [p for p in PACKAGES if not (ROOT / p / "__init__.py").exists()] == []
