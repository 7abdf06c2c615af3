"""The create page in Chinese, in a real browser: after the language switch every word on
the page is Chinese. What may stay Latin is named: the data (pair and asset symbols, the
exchange's and the user's names), the product names Mr.Market and Mixin, units written the
same in both languages, and the switch back to English (marked lang="en")."""

import re

import pytest

from exchanges.models import TradingPair
from tests.e2e.test_browser_order_from_login_to_exit import _login

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = pytest.mark.django_db(transaction=True)

ALLOWED = {"Mr.Market", "Mixin", "Messenger", "Avellaneda-Stoikov"}


def test_the_chinese_create_page_has_no_english_word(
    presets_seeded, live_server, demo_world, page, look
):
    _login(page, live_server, demo_world)
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="您的订单")).to_be_visible()
    page.get_by_role("link", name="新建订单").click()
    expect(page.get_by_role("heading", name="新建做市订单")).to_be_visible()
    page.locator("details summary").click()  # the advanced fields too
    look("create-zh")

    data = set()
    for pair in TradingPair.objects.select_related("exchange"):
        data |= {pair.symbol, pair.base_symbol, pair.quote_symbol, *pair.exchange.name.split()}
    data |= {"Demo", "token", "creator"}  # the demo user's Mixin name
    text = page.evaluate(
        """() => {
            let text = document.body.innerText;
            for (const e of document.querySelectorAll('[lang="en"]')) {
                text = text.replace(e.innerText, "");
            }
            return text;
        }"""
    )
    words = set(re.findall(r"[A-Za-z][A-Za-z.\\-]*[A-Za-z]", text))
    assert {"XIN", "USDT"} <= words  # the check reads the page's text
    english = sorted(w for w in words if w not in data and w not in ALLOWED)
    assert not english, f"English on the Chinese create page: {english}"
