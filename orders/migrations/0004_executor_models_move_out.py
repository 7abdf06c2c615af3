"""The executor's models leave the `orders` app for `executor` (its 0001 takes them over).

State only: the tables stay where they are, under their names.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0003_executor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ExchangeFill"),
                migrations.DeleteModel(name="TrackedOrder"),
                migrations.DeleteModel(name="ExecutorState"),
                migrations.DeleteModel(name="TradeCursor"),
                migrations.DeleteModel(name="MarketTickSchedule"),
                migrations.DeleteModel(name="GlobalKillSwitch"),
            ],
        ),
    ]
