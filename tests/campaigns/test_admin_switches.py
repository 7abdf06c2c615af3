"""Operators switch joining off globally or per campaign in the admin; each change is an
auditlog entry with the operator. Synced fields stay read-only, and sync refreshes are
not audit events."""

import pytest
from auditlog.models import LogEntry

from campaigns.models import Campaign, JoinSwitch
from tests.campaigns.test_join_policy import campaign_row

pytestmark = pytest.mark.django_db


def test_global_switch_is_audited(client, admin_client_user):
    client.force_login(admin_client_user)
    answer = client.post("/admin/campaigns/joinswitch/add/", {"joining_enabled": ""})
    assert answer.status_code == 302, answer.content[:500]
    assert JoinSwitch.objects.get().joining_enabled is False
    entry = LogEntry.objects.get_for_model(JoinSwitch).get()
    assert entry.actor == admin_client_user


def test_per_campaign_switch_is_audited_and_the_rest_is_read_only(client, admin_client_user):
    campaign = campaign_row()
    client.force_login(admin_client_user)
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    inline = {"participations-TOTAL_FORMS": "0", "participations-INITIAL_FORMS": "0"}
    answer = client.post(url, {"joining_enabled": "", "symbol": "BTC/USDT", **inline})
    assert answer.status_code == 302, answer.content[:500]
    campaign.refresh_from_db()
    assert campaign.joining_enabled is False and campaign.symbol == "XIN/USDT"
    (entry,) = LogEntry.objects.get_for_model(Campaign).filter(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin_client_user and "joining_enabled" in entry.changes_dict
    Campaign.objects.filter(pk=campaign.pk).first().save()  # a sync-like save
    assert (
        LogEntry.objects.get_for_model(Campaign).filter(action=LogEntry.Action.UPDATE).count() == 1
    )
