"""The embedded broker shows a worker a message only once it is written whole: kombu's own
filesystem transport let a worker take an empty file and stop (kombu issue #1551)."""

import json
import os
from pathlib import Path

import pytest
from kombu import Connection

from mrmarket import filesystem_broker
from mrmarket.celery import app as celery_app


@pytest.fixture
def channel(tmp_path):
    options = filesystem_broker.filesystem_broker_options(tmp_path / "broker")
    with Connection(
        "filesystem://", transport=filesystem_broker.TRANSPORT, transport_options=options
    ) as connection:
        yield connection.default_channel


def test_the_settings_use_it_for_the_embedded_default():
    if celery_app.conf.broker_url.startswith("filesystem://"):
        assert celery_app.conf.broker_transport == filesystem_broker.TRANSPORT
    else:  # Redis in CI: kombu's own transport for that URL
        assert celery_app.conf.broker_transport is None


def test_a_reader_sees_nothing_until_the_message_is_whole(channel, monkeypatch):
    seen_before_rename = []
    rename = os.rename

    def rename_watched(source, target):
        # What a worker listing the folder would take right now, and what is on disk.
        seen_before_rename.append((channel._size("loop"), json.loads(Path(source).read_text())))
        rename(source, target)

    monkeypatch.setattr(filesystem_broker.os, "rename", rename_watched)
    payload = {"body": "x" * 10_000, "properties": {"delivery_tag": "1"}}
    channel._put("loop", payload)

    assert seen_before_rename == [(0, payload)]
    assert channel._size("loop") == 1
    assert channel._get("loop") == payload
    assert os.listdir(channel.data_folder_in) == []
