"""The executor's models move here from the `orders` app; their tables keep their names.

Only Django's state changes: the tables, rows, indexes and constraints stay as the
`orders` migrations made them, so an existing database migrates in place. Content types
(and with them the permissions granted to groups and users) are relabelled to `executor`.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["executorstate", "markettickschedule", "trackedorder", "exchangefill", "tradecursor", "globalkillswitch"]


def relabel_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A fresh database may have made the executor's types already (post_migrate of an
        # earlier run); the orders ones are then the stale duplicates.
        if content_type.objects.filter(app_label="executor", model=model).exists():
            continue
        content_type.objects.filter(app_label="orders", model=model).update(app_label="executor")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="executor", model__in=MOVED).update(app_label="orders")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('exchanges', '0002_tradingpair_uuid'),
        ('orders', '0004_executor_models_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ExecutorState',
                    fields=[
                        ('order', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='executor_state', serialize=False, to='orders.marketmakingorder')),
                        ('strategy_state', models.JSONField(default=dict)),
                        ('next_sequence', models.PositiveIntegerField(default=1)),
                        ('peak_equity', models.DecimalField(blank=True, decimal_places=18, max_digits=38, null=True)),
                        ('consecutive_rejects', models.PositiveSmallIntegerField(default=0)),
                        ('kill_switch_tripped', models.BooleanField(default=False)),
                        ('kill_switch_reason', models.TextField(blank=True)),
                        ('halted_sides', models.JSONField(blank=True, default=dict, help_text='side → ISO time until which it is not quoted.')),
                        ('market_data_stale', models.BooleanField(default=False)),
                        ('last_tick_at', models.DateTimeField(blank=True, null=True)),
                        ('last_reference_price', models.DecimalField(blank=True, decimal_places=18, max_digits=38, null=True)),
                        ('registered_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'orders_executorstate',
                    },
                ),
                migrations.CreateModel(
                    name='MarketTickSchedule',
                    fields=[
                        ('pair', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, serialize=False, to='exchanges.tradingpair')),
                        ('next_tick_at', models.DateTimeField(db_index=True)),
                        ('leased_until', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'orders_markettickschedule',
                    },
                ),
                migrations.CreateModel(
                    name='TrackedOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('symbol', models.CharField(max_length=50)),
                        ('sequence', models.PositiveIntegerField()),
                        ('client_order_id', models.CharField(max_length=40, unique=True)),
                        ('exchange_order_id', models.CharField(blank=True, max_length=64)),
                        ('side', models.CharField(choices=[('buy', 'Buy'), ('sell', 'Sell')], max_length=4)),
                        ('level', models.PositiveSmallIntegerField(default=0)),
                        ('price', models.DecimalField(decimal_places=18, max_digits=38)),
                        ('amount', models.DecimalField(decimal_places=18, max_digits=38)),
                        ('filled_amount', models.DecimalField(decimal_places=18, default=0, help_text='Cumulative, as the exchange last said.', max_digits=38)),
                        ('settled_amount', models.DecimalField(decimal_places=18, default=0, help_text='Base amount of the fills in the ledger.', max_digits=38)),
                        ('reserved_amount', models.DecimalField(decimal_places=18, help_text='Locked in the ledger for this order (quote or base).', max_digits=38)),
                        ('consumed_amount', models.DecimalField(decimal_places=18, default=0, help_text='Of the reservation, spent by fills.', max_digits=38)),
                        ('released', models.BooleanField(default=False, help_text='The unspent rest went back.')),
                        ('status', models.CharField(choices=[('pending_create', 'Pending Create'), ('open', 'Open'), ('partially_filled', 'Partially Filled'), ('pending_cancel', 'Pending Cancel'), ('filled', 'Filled'), ('cancelled', 'Cancelled'), ('failed', 'Failed')], default='pending_create', max_length=20)),
                        ('last_error', models.TextField(blank=True)),
                        ('trace_id', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField()),
                        ('api_key', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='exchanges.exchangeapikey')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exchange_orders', to='orders.marketmakingorder')),
                    ],
                    options={
                        'db_table': 'orders_trackedorder',
                        'ordering': ['order', 'sequence'],
                    },
                ),
                migrations.CreateModel(
                    name='ExchangeFill',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('symbol', models.CharField(max_length=50)),
                        ('trade_id', models.CharField(max_length=64)),
                        ('side', models.CharField(choices=[('buy', 'Buy'), ('sell', 'Sell')], max_length=4)),
                        ('price', models.DecimalField(decimal_places=18, max_digits=38)),
                        ('amount', models.DecimalField(decimal_places=18, max_digits=38)),
                        ('fee', models.DecimalField(decimal_places=18, default=0, max_digits=38)),
                        ('fee_asset', models.CharField(blank=True, max_length=20)),
                        ('is_maker', models.BooleanField()),
                        ('traded_at', models.DateTimeField()),
                        ('ledger_key', models.CharField(help_text='Idempotency key of its fill_settle.', max_length=200)),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('exchange', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='exchanges.exchange')),
                        ('tracked_order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='fills', to='executor.trackedorder')),
                    ],
                    options={
                        'db_table': 'orders_exchangefill',
                        'ordering': ['traded_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TradeCursor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('symbol', models.CharField(max_length=50)),
                        ('last_trade_id', models.CharField(blank=True, max_length=64)),
                        ('api_key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='exchanges.exchangeapikey')),
                    ],
                    options={
                        'db_table': 'orders_tradecursor',
                    },
                ),
                migrations.CreateModel(
                    name='GlobalKillSwitch',
                    fields=[
                        ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                        ('engaged', models.BooleanField(default=False)),
                        ('reason', models.TextField(blank=True)),
                        ('changed_at', models.DateTimeField(blank=True, null=True)),
                        ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'orders_globalkillswitch',
                        'permissions': [('toggle_global_kill_switch', 'Can engage or release the global kill switch')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='global_kill_switch_singleton')],
                    },
                ),
                migrations.AddIndex(
                    model_name='trackedorder',
                    index=models.Index(fields=['order', 'status'], name='orders_trac_order_i_d36599_idx'),
                ),
                migrations.AddIndex(
                    model_name='trackedorder',
                    index=models.Index(fields=['api_key', 'symbol', 'status'], name='orders_trac_api_key_9f7b37_idx'),
                ),
                migrations.AddConstraint(
                    model_name='trackedorder',
                    constraint=models.UniqueConstraint(fields=('order', 'sequence'), name='tracked_order_sequence'),
                ),
                migrations.AddConstraint(
                    model_name='trackedorder',
                    constraint=models.CheckConstraint(condition=models.Q(('price__gt', 0), ('amount__gt', 0), ('reserved_amount__gt', 0)), name='tracked_order_positive'),
                ),
                migrations.AddConstraint(
                    model_name='trackedorder',
                    constraint=models.CheckConstraint(condition=models.Q(('settled_amount__lte', models.F('amount')), ('filled_amount__lte', models.F('amount')), ('consumed_amount__lte', models.F('reserved_amount'))), name='tracked_order_fill_bounds'),
                ),
                migrations.AddConstraint(
                    model_name='exchangefill',
                    constraint=models.UniqueConstraint(fields=('exchange', 'symbol', 'trade_id'), name='exchange_fill_trade_unique'),
                ),
                migrations.AddConstraint(
                    model_name='tradecursor',
                    constraint=models.UniqueConstraint(fields=('api_key', 'symbol'), name='trade_cursor_unique'),
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
