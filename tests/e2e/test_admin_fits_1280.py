"""Every admin changelist fits a 1280-pixel-wide window: an operator on a laptop reads a
whole row without scrolling sideways. Checked in Chromium with rows as long as real ones."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.mrmarket.admin_rows import admin_rows_create

WIDTH = 1280


@pytest.mark.django_db(transaction=True)
def test_every_changelist_fits_1280_pixels(presets_seeded, admin_client_user, live_server, page):
    admin_rows_create()
    client = Client()
    client.force_login(admin_client_user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": WIDTH, "height": 900})
    too_wide = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page.goto(live_server.url + url)
        # The admin wraps the results table in a box that scrolls sideways on its own, so
        # the page itself never grows: measure the table's right edge.
        width = page.evaluate(
            """() => {
                const table = document.querySelector('#result_list');
                const right = table ? table.getBoundingClientRect().left + table.scrollWidth : 0;
                return Math.ceil(Math.max(document.documentElement.scrollWidth, right));
            }"""
        )
        if width > WIDTH:
            too_wide[url] = width
    assert too_wide == {}
