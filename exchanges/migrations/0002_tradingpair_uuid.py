import uuid

from django.db import migrations, models


def give_each_pair_a_uuid(apps, schema_editor):
    TradingPair = apps.get_model("exchanges", "TradingPair")
    for pair in TradingPair.objects.filter(uuid__isnull=True).only("pk"):
        pair.uuid = uuid.uuid4()
        pair.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="tradingpair", name="uuid", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(give_each_pair_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tradingpair",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
