"""The operators' console: the admin site names the product, and the pages other packages
bring (users, API tokens, the beat's schedule) are written to only by a superuser, with a
record. Any staff member could otherwise schedule any task with any arguments, or make
themselves a superuser."""

from auditlog.registry import auditlog
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from core.admin import ReadOnlyAdmin, SuperuserPermission, audited_action

admin.site.site_header = "Mr.Market operations"
admin.site.site_title = "Mr.Market"
admin.site.index_title = "Operate this node"


def _superuser_action(description: str, action):  # noqa: ANN001, ANN202 - a wrapped method
    return audited_action(description=description, permissions=["superuser"])(action)


class PeriodicTaskAdmin(SuperuserPermission, beat_admin.PeriodicTaskAdmin):
    enable_tasks = _superuser_action(
        "Enable selected tasks", beat_admin.PeriodicTaskAdmin.enable_tasks
    )
    disable_tasks = _superuser_action(
        "Disable selected tasks", beat_admin.PeriodicTaskAdmin.disable_tasks
    )
    toggle_tasks = _superuser_action(
        "Toggle activity of selected tasks", beat_admin.PeriodicTaskAdmin.toggle_tasks
    )
    run_tasks = _superuser_action("Run selected tasks now", beat_admin.PeriodicTaskAdmin.run_tasks)


class UserAdmin(SuperuserPermission, auth_admin.UserAdmin):
    pass


class GroupAdmin(SuperuserPermission, auth_admin.GroupAdmin):
    pass


SUPERUSER_ADMINS = {
    PeriodicTask: PeriodicTaskAdmin,
    IntervalSchedule: type(
        "IntervalScheduleAdmin", (SuperuserPermission, beat_admin.IntervalScheduleAdmin), {}
    ),
    CrontabSchedule: type(
        "CrontabScheduleAdmin", (SuperuserPermission, beat_admin.CrontabScheduleAdmin), {}
    ),
    SolarSchedule: type(
        "SolarScheduleAdmin", (SuperuserPermission, beat_admin.SolarScheduleAdmin), {}
    ),
    ClockedSchedule: type(
        "ClockedScheduleAdmin", (SuperuserPermission, beat_admin.ClockedScheduleAdmin), {}
    ),
    User: UserAdmin,
    Group: GroupAdmin,
}
for model, model_admin in SUPERUSER_ADMINS.items():
    admin.site.unregister(model)
    admin.site.register(model, model_admin)

# Login lockouts are facts written by django-axes; an operator lifts one from the shell
# (`manage.py axes_reset_username <name>`) or waits AXES_COOLOFF_MINUTES.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    axes_admin = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(
        model, type(axes_admin.__name__, (ReadOnlyAdmin, axes_admin), {"actions": None})
    )

# The beat's own bookkeeping (last run, run count) is not an operator's change.
auditlog.register(PeriodicTask, exclude_fields=["last_run_at", "total_run_count", "date_changed"])
for schedule in (IntervalSchedule, CrontabSchedule, SolarSchedule, ClockedSchedule):
    auditlog.register(schedule)
auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(Group)
# The index starts with the node's own pages (setup guide, status, operator panel).
admin.site.index_template = "admin/mrmarket_index.html"
