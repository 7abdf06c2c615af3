from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("executor", "0006_tracked_order_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="markettickschedule",
            name="version",
            field=models.BigIntegerField(default=0),
        ),
    ]
