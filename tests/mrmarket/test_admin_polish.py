"""The operators' console reads as the product's: its name on every page, plural names
written right, amounts to their asset's precision, and big tables paged without counting
the whole table."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin import CappedCountPaginator
from ledger.models import Entry
from tests.mrmarket.admin_rows import admin_rows_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, admin_client_user, presets_seeded):
    client.force_login(admin_client_user)
    return client


def test_every_admin_page_names_the_product(operator):
    page = operator.get(reverse("admin:index")).content.decode()
    assert "<title>Operate this node | Mr.Market</title>" in page
    assert "Mr.Market operations" in page
    assert "Django administration" not in page


def test_plural_names_are_english(operator):
    index = operator.get(reverse("admin:index")).content.decode()
    assert "Global kill switches" in index
    assert "switchs" not in index.lower()
    for model in apps.get_models():
        plural = str(model._meta.verbose_name_plural)
        # "entrys", "switchs", "addresss": the stock plural of a word English bends.
        assert not re.search(r"([^aeiou]ys|chs|shs|ss|xs)$", plural), model._meta.label


def test_an_order_page_lists_its_payment_entries_by_their_plural(operator):
    admin_rows_create()
    from orders.models import MarketMakingOrder

    order = MarketMakingOrder.objects.get()
    page = operator.get(reverse("admin:orders_marketmakingorder_change", args=[order.pk]))
    text = page.content.decode()
    assert "Payment entries" in text
    assert "Payment entrys" not in text


def test_amounts_show_to_their_asset_precision(operator):
    admin_rows_create()
    snapshots = operator.get(reverse("admin:wallet_mixinsnapshot_changelist")).content.decode()
    assert "1234567.12345678<" in snapshots  # 8 places, not the column's 18
    entries = operator.get(reverse("admin:ledger_entry_changelist")).content.decode()
    assert "1.50000000<" in entries and "-1.50000000<" in entries
    assert "1.500000000000000000" not in entries
    tracked = operator.get(reverse("admin:executor_trackedorder_changelist")).content.decode()
    from executor.models import TrackedOrder

    pair = TrackedOrder.objects.select_related("order__pair").get().order.pair
    assert f">{123.45:.{pair.price_precision}f}<" in tracked


def test_a_finer_amount_is_never_rounded_for_display():
    from decimal import Decimal

    from core.money import amount_at_places

    assert amount_at_places(Decimal("0.123456789"), 8) == "0.123456789"
    assert amount_at_places(Decimal("2.500000000000000000"), 2) == "2.50"


BIG_TABLES = [
    "ledger_entry",
    "ledger_transaction",
    "ledger_account",
    "wallet_mixinsnapshot",
    "wallet_mixintransfer",
    "executor_trackedorder",
    "executor_executorevent",
    "orders_marketmakingorder",
    "orders_payout",
]


@pytest.mark.parametrize("changelist", BIG_TABLES)
def test_big_tables_never_count_the_whole_table(operator, changelist):
    admin_rows_create()
    with CaptureQueriesContext(connection) as queries:
        response = operator.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the page counts its rows (capped)"
    for sql in counts:
        assert f"LIMIT {CappedCountPaginator.COUNT_CAP}" in sql.upper(), sql


def test_the_capped_count_stops_at_the_cap(monkeypatch):
    admin_rows_create()
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 1)
    assert Entry.objects.count() == 2
    assert CappedCountPaginator(Entry.objects.all(), 100).count == 1


def test_every_big_table_admin_uses_the_capped_paginator():
    for model, model_admin in admin.site._registry.items():
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        if name in BIG_TABLES:
            assert model_admin.paginator is CappedCountPaginator, name
            assert model_admin.show_full_result_count is False, name
