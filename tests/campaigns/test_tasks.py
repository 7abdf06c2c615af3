"""The campaign jobs: nothing to do without HuFi configured; HuFi away is a warning for
that run, not an error or a retry."""

import pytest

from campaigns import tasks

pytestmark = pytest.mark.django_db


def test_jobs_do_nothing_without_hufi(settings):
    settings.HUFI_LAUNCHER_URL = settings.HUFI_ORACLE_URL = ""
    assert tasks.campaigns_sync.apply(kwargs={"trace_id": "t"}).get() == 0
    assert tasks.campaign_joins_run.apply(kwargs={"trace_id": "t"}).get() == {}
    assert tasks.rewards_collect.apply(kwargs={"trace_id": "t"}).get() == 0


def test_hufi_away_is_one_warning_per_run(settings, caplog):
    settings.HUFI_LAUNCHER_URL = "http://127.0.0.1:9/launcher"
    settings.HUFI_ORACLE_URL = "http://127.0.0.1:9/oracle"
    result = tasks.campaigns_sync.apply(kwargs={"trace_id": "t"})
    assert result.successful() and result.get() == 0
    assert "HuFi campaigns not synced" in caplog.text


def test_sync_job_stores_the_launchers_campaigns(hufi_settings, campaign):
    campaign()
    assert tasks.campaigns_sync.apply(kwargs={"trace_id": "t"}).get() == 1
