"""The executor stops reading the order: its state holds the market, key, frozen config,
trace and whether it quotes; and its events get their own table.

The new columns are filled from the orders rows (running orders quote; paused, stopped and
exiting ones do not), so an existing database migrates in place. They become NOT NULL in
0003: PostgreSQL refuses to alter a table with row updates pending in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_from_orders(apps, schema_editor):
    order_model = apps.get_model("orders", "MarketMakingOrder")
    state_model = apps.get_model("executor", "ExecutorState")
    orders = order_model.objects.filter(executor_state__isnull=False).values(
        "pk", "pair_id", "api_key_id", "frozen_config", "config_hash", "trace_id", "state"
    )
    for order in orders.iterator():
        state_model.objects.filter(pk=order["pk"]).update(
            pair_id=order["pair_id"],
            api_key_id=order["api_key_id"],
            config=order["frozen_config"],
            config_hash=order["config_hash"],
            trace_id=order["trace_id"],
            quoting=order["state"] == "running",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0002_tradingpair_uuid"),
        ("executor", "0001_initial"),
        ("orders", "0004_executor_models_move_out"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExecutorEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=50)),
                ("actor", models.CharField(help_text="system:executor or operator:<id>", max_length=150)),
                ("reason", models.TextField(blank=True)),
                ("data", models.JSONField(blank=True, default=dict)),
                ("count", models.PositiveIntegerField(default=1)),
                ("first_at", models.DateTimeField()),
                ("last_at", models.DateTimeField()),
                ("trace_id", models.CharField(max_length=64)),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="executor_events",
                        to="orders.marketmakingorder",
                    ),
                ),
            ],
            options={
                "ordering": ["first_at", "id"],
                "indexes": [models.Index(fields=["order", "first_at"], name="executor_event_order_time")],
            },
        ),
        migrations.AddField(
            model_name="executorstate",
            name="pair",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="exchanges.tradingpair"
            ),
        ),
        migrations.AddField(
            model_name="executorstate",
            name="api_key",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="exchanges.exchangeapikey"
            ),
        ),
        migrations.AddField(
            model_name="executorstate",
            name="config",
            field=models.JSONField(null=True, help_text="The order's frozen strategy config."),
        ),
        migrations.AddField(
            model_name="executorstate",
            name="config_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="executorstate",
            name="trace_id",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="executorstate",
            name="quoting",
            field=models.BooleanField(default=True, help_text="Ticked and quoted; off while paused, stopped or exiting."),
        ),
        migrations.AddField(
            model_name="executorstate",
            name="repeating_events",
            field=models.JSONField(
                blank=True, default=dict, help_text="Event kind → the ExecutorEvent the last tick counted it into."
            ),
        ),
        migrations.RunPython(copy_from_orders, migrations.RunPython.noop),
    ]
