"""Read-only views of the ledger: it is written by services only, never by hand."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, ReadOnlyInline, amount_column
from core.money import ASSET_PLACES, amount_at_places
from ledger.models import Account, Balance, Entry, LedgerCheckRun, Transaction


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner_kind", "owner_id", "asset", "purpose", "balance_amount"]
    list_filter = ["owner_kind", "purpose", "may_go_negative"]
    list_select_related = ["balance"]
    # "=" keeps these index lookups instead of LIKE scans.
    search_fields = ["=owner_id", "=asset"]

    @admin.display(description="balance")
    def balance_amount(self, account: Account) -> object:
        return amount_at_places(account.balance.amount, ASSET_PLACES)


class EntryInline(ReadOnlyInline):
    model = Entry
    readonly_fields = ("account", "asset", "amount")
    fields = readonly_fields
    raw_id_fields = ["account"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "code", "idempotency_key", "ref", "trace_id", "created_at"]
    list_filter = ["code"]
    search_fields = ["=idempotency_key", "=trace_id", "=ref"]
    raw_id_fields = ["reverses"]
    date_hierarchy = "created_at"
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "transaction_link",
        "code",
        "account_link",
        "asset",
        amount_column("amount", places=ASSET_PLACES),
    ]
    list_filter = ["transaction__code", "account__purpose", "account__owner_kind"]
    list_select_related = ["transaction", "account"]
    # An order's entries: search its id; a key: search the key; an asset: its id.
    search_fields = ["=account__owner_id", "=transaction__idempotency_key", "=asset"]
    raw_id_fields = ["transaction", "account"]

    @admin.display(description="code")
    def code(self, entry: Entry) -> str:
        return entry.transaction.code

    @admin.display(description="transaction")
    def transaction_link(self, entry: Entry) -> str:
        url = reverse("admin:ledger_transaction_change", args=[entry.transaction_id])
        return format_html('<a href="{}">{}</a>', url, entry.transaction)

    @admin.display(description="account")
    def account_link(self, entry: Entry) -> str:
        url = reverse("admin:ledger_entry_changelist") + f"?account__id__exact={entry.account_id}"
        return format_html('<a href="{}">{}</a>', url, entry.account)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The account link above filters by account without listing every account.
        return lookup in {"account__id__exact", "transaction__id__exact"} or super().lookup_allowed(
            lookup, value, request
        )


@admin.register(Balance)
class BalanceAdmin(ReadOnlyAdmin):
    list_display = ["account", "asset", amount_column("amount", places=ASSET_PLACES)]
    list_filter = ["account__purpose", "account__owner_kind", "may_go_negative"]
    list_select_related = ["account"]
    search_fields = ["=account__owner_id", "=asset"]


@admin.register(LedgerCheckRun)
class LedgerCheckRunAdmin(ReadOnlyAdmin):
    list_display = ["ran_at", "ok", "violations"]
    list_filter = ["ok"]
