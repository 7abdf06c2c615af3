"""Moving the test database between migration states, for tests of an upgrade.

The previous layout is commit bdc4423: the executor's models lived in the `orders` app
(orders 0003_executor) and its project apps' last migrations are those of
PREVIOUS_LAYOUT. A project app not listed there (the executor, and any added since) did
not exist then; third-party apps stay at their newest migrations.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

PREVIOUS_LAYOUT = {
    "exchanges": "0002_tradingpair_uuid",
    "ledger": "0002_database_rules",
    "wallet": "0001_initial",
    "orders": "0003_executor",
}

Target = tuple[str, str | None]


def newest_targets() -> list[Target]:
    """The leaves of the migration graph as it is, whoever added the latest migrations."""
    return sorted(MigrationExecutor(connection).loader.graph.leaf_nodes())


def previous_layout_targets() -> list[Target]:
    targets: list[Target] = []
    for app_label, leaf in newest_targets():
        if app_label in PREVIOUS_LAYOUT:
            targets.append((app_label, PREVIOUS_LAYOUT[app_label]))
        elif _is_project_app(app_label):
            targets.append((app_label, None))
        else:
            targets.append((app_label, leaf))
    return targets


def migrate_to(targets: list[Target]) -> StateApps:
    """Apply or unapply migrations until `targets` hold; the historical models there."""
    MigrationExecutor(connection).migrate(targets)
    # Migrations relabel content types behind the cache's back.
    ContentType.objects.clear_cache()
    nodes = [(app_label, name) for app_label, name in targets if name is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def _is_project_app(app_label: str) -> bool:
    package = apps.get_app_config(app_label).name.split(".")[0]
    return (settings.BASE_DIR / package / "__init__.py").is_file()
