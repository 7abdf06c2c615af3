"""0002 filled the executor state's own copy of the order's facts; now they are required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0002_tradingpair_uuid"),
        ("executor", "0002_executor_state_owns_its_order_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="executorstate",
            name="pair",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="exchanges.tradingpair"
            ),
        ),
        migrations.AlterField(
            model_name="executorstate",
            name="api_key",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="exchanges.exchangeapikey"
            ),
        ),
        migrations.AlterField(
            model_name="executorstate",
            name="config",
            field=models.JSONField(help_text="The order's frozen strategy config."),
        ),
        migrations.AddIndex(
            model_name="executorstate",
            index=models.Index(fields=["pair", "quoting"], name="executor_state_pair_quoting"),
        ),
    ]
