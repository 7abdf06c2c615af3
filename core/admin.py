"""Admin building blocks shared by the apps."""

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html

from core.money import amount_at_places

# django-stubs makes the admin classes generic in the model; Django's own are not
# subscriptable, so the parameters exist for the type checker only.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline


SHORT_ID_LENGTH = 8


class CappedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most COUNT_CAP rows (a COUNT over a LIMITed subquery), so a page of a
    table with millions of rows costs the same as one of a small table; past the cap the
    pages stop at the cap's last page and the operator narrows with a filter or search."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "values"):
            return int(rows.values("pk")[: self.COUNT_CAP].count())
        return min(len(rows), self.COUNT_CAP)


class BigTableAdmin(_ModelAdmin):
    """A changelist over a table that grows without bound: pages of 100, the count capped
    and the whole table's count never taken (show_full_result_count)."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 100


class ReadOnlyAdmin(BigTableAdmin):
    """Facts written by services only (ledger, snapshots, transfers, exchange orders):
    operators read them; nobody adds, edits or deletes them by hand."""

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


def amount_column(
    field: str, *, places: int | Callable[[Any], int], description: str | None = None
) -> Callable[..., str]:
    """A list column showing a Decimal field to its asset's precision: `places` is fixed
    (Mixin assets) or read from the row (a pair's price or amount precision)."""

    @admin.display(description=description or field.replace("_", " "), ordering=field)
    def column(*owner_and_obj: Any) -> str:
        # Called as column(obj) from list_display, as a method (admin, obj) when named.
        obj = owner_and_obj[-1]
        amount = getattr(obj, field)
        if amount is None:
            return "-"
        return amount_at_places(amount, places(obj) if callable(places) else places)

    column.__name__ = f"{field}_shown"
    return column


def short_column(field: str, *, description: str | None = None) -> Callable[..., str]:
    """A list column showing the start of a long identifier (a UUID, a hash), the whole of
    it on hover and in the search box, so a row of a wide table fits a laptop's screen."""

    @admin.display(description=description or field.removesuffix("_id"), ordering=field)
    def column(*owner_and_obj: Any) -> str:
        text = str(getattr(owner_and_obj[-1], field) or "")
        if len(text) <= SHORT_ID_LENGTH:
            return text or "-"
        return format_html('<span title="{}">{}…</span>', text, text[:SHORT_ID_LENGTH])

    column.__name__ = f"{field}_short"
    return column


def audited_action(
    *, description: str, permissions: list[str]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An admin action that says who may run it and leaves a record: before it runs, one
    admin log entry per selected row names the action and the operator, in the request's
    transaction. `permissions` is required (Django's own `permissions=`): an action that any
    staff member could run is not written here. "superuser" needs SuperuserPermission."""
    if not permissions:
        raise ValueError("an admin action names the permission it needs")

    def decorate(action: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(action)
        def run(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
            operator_id = request.user.pk
            assert operator_id is not None  # the admin runs actions for a logged-in user only
            LogEntry.objects.log_actions(
                user_id=operator_id,
                queryset=list(queryset),
                action_flag=CHANGE,
                change_message=[{"action": {"name": action.__name__}}],
            )
            return action(modeladmin, request, queryset)

        run.audited = True  # type: ignore[attr-defined]
        return admin.action(description=description, permissions=permissions)(run)

    return decorate


class SuperuserPermission:
    """Mixed into a model admin whose writes only a superuser may make (what runs, with
    which arguments; who is an operator): staff keep their view permission."""

    def has_superuser_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)
