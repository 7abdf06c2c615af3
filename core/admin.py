"""Admin building blocks shared by the apps."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

# django-stubs makes the admin classes generic in the model; Django's own are not
# subscriptable, so the parameters exist for the type checker only.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline


class ReadOnlyAdmin(_ModelAdmin):
    """Facts written by services only (ledger, snapshots, transfers, exchange orders):
    operators read them; nobody adds, edits or deletes them by hand."""

    # Counting millions of rows on every page load is what makes big changelists slow.
    show_full_result_count = False
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(_TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
