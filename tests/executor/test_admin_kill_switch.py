"""The global kill switch page: only its permission holders may change it, and a change
goes through the service (events, cancels, audit)."""

import pytest
from django.contrib.auth.models import Permission

from executor import tasks
from executor.models import GlobalKillSwitch

pytestmark = pytest.mark.django_db


def staff(django_user_model, *, allowed: bool):
    user = django_user_model.objects.create_user(
        username=f"s{allowed}", password="pw", is_staff=True
    )
    codenames = ["view_globalkillswitch"] + (["toggle_global_kill_switch"] if allowed else [])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_a_permitted_admin_engages_it_with_a_reason(client, django_user_model, monkeypatch):
    monkeypatch.setattr(tasks.quotes_cancel, "delay", lambda **kwargs: None)
    client.force_login(staff(django_user_model, allowed=True))
    switch, _ = GlobalKillSwitch.objects.get_or_create(pk=1)
    url = f"/admin/executor/globalkillswitch/{switch.pk}/change/"

    response = client.post(url, {"engaged": "on", "reason": "venue halted trading"})

    assert response.status_code == 302
    switch.refresh_from_db()
    assert switch.engaged and switch.reason == "venue halted trading"


def test_others_can_look_but_not_change(client, django_user_model):
    client.force_login(staff(django_user_model, allowed=False))
    switch, _ = GlobalKillSwitch.objects.get_or_create(pk=1)
    url = f"/admin/executor/globalkillswitch/{switch.pk}/change/"

    client.post(url, {"engaged": "on", "reason": "just trying"})

    switch.refresh_from_db()
    assert not switch.engaged
