"""The public proof pages in a real browser, without logging in: an order's liquidity proof
says it is being prepared until a worker stored its bundle, then shows that bundle's figures
without reloading, and the bundle downloaded from the page
verifies (report_verify's checks, on the downloaded bytes) and hashes to what the page
shows; the pair's depth page shows the stability figures the API gives; the node's proof
page links both. Each page at 1280 and 390 px: no sideways scroll, no serious or critical
axe violation, screenshots under var/screenshots/ (proof-order, proof-pair, proof-node).
"""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import MarketMakingOrder
from reports.bundle.verify import bundle_problems
from reports.keys import report_public_key
from reports.public_proof import published_proof_build
from reports.snapshots import market_snapshot_take, slot_of
from tests.reports.world import traded_order

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
).expect

pytestmark = pytest.mark.django_db(transaction=True)


def _public_sampled_order(monkeypatch):
    """A traded order, sampled three times five minutes ago (its creation moved before
    that), public; the proof window's clock two minutes on, so it holds every fill."""
    market, order = traded_order()
    now = timezone.now()
    MarketMakingOrder.objects.filter(pk=order.pk).update(
        created_at=now - timedelta(minutes=10), proof_public=True
    )
    start = slot_of(now - timedelta(minutes=5))
    for step in range(3):
        at = start + timedelta(seconds=10 * step)
        assert market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=market.gateway_for)
    later = max(market.now, now) + timedelta(minutes=2)
    monkeypatch.setattr("reports.public_proof.window_clock", lambda: later)
    order.refresh_from_db()
    return market, order


def _percent(fraction: str) -> str:
    value = (Decimal(fraction) * 100).quantize(Decimal("0.01"))
    text = format(value, "f").rstrip("0").rstrip(".")
    return f"{text} %"


def test_the_public_proof_shows_the_bundle_and_the_bundle_verifies(
    live_server, page, look, monkeypatch
):
    market, order = _public_sampled_order(monkeypatch)
    # The page asks again after the API's Retry-After; a second here, 15 in production.
    monkeypatch.setattr("reports.public_proof.PROOF_PENDING_RETRY_SECONDS", 1)

    page.goto(f"{live_server.url}/proof/orders/{order.pk}/")
    expect(page.locator("#proof-preparing")).to_be_visible()
    expect(page.locator("#proof-preparing")).to_contain_text("being prepared")
    published_proof_build(order=order)  # what the worker does
    expect(page.locator("#proof-preparing")).to_be_hidden()
    sha = page.locator("#bundle-sha256")
    expect(sha).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    shown_sha = sha.inner_text()
    expect(page.locator("#bundle-public-key")).to_have_text(report_public_key())
    expect(page.locator("#config-hash")).to_have_text(order.config_hash)
    expect(page.locator("header")).not_to_contain_text(order.user.username)

    with page.expect_download() as download_info:
        page.locator("#bundle-download").click()
    content = open(download_info.value.path(), "rb").read()
    assert bundle_problems(content, public_key=report_public_key()) == []
    envelope = json.loads(content)
    assert envelope["sha256"] == shown_sha
    expect(page.locator("#bundle-signature")).to_have_text(envelope["signature"])
    assert f"user:{order.user.pk}".encode() not in content

    # The figures on the page are the bundle's.
    figures = envelope["report"]["figures"]
    stability, activity = figures["stability"], figures["pnl"]["activity"]
    assert stability["observed"] == 3
    expect(page.locator("#fig-uptime")).to_have_text(_percent(stability["uptime"]))
    expect(page.locator("#fig-fills")).to_have_text(str(activity["fills"]["count"]))
    assert activity["fills"]["count"] == 3
    quote = Decimal(activity["volume"]["quote"]).quantize(Decimal("0.01"))
    expect(page.locator("#fig-volume-quote")).to_have_text(
        f"{format(quote, 'f').rstrip('0').rstrip('.')} USDT"
    )
    expect(page.locator("#fig-samples")).to_contain_text(f"3 / {stability['slots']}")
    expect(page.locator("#depth-rows tr")).to_have_count(len(stability["depth"]) + 1)
    expect(page.locator("#verify-command")).to_contain_text(
        f"report_verify report-{order.pk}.json --public-key {report_public_key()}"
    )
    look("proof-order")

    page.get_by_role("link", name="Depth of this pair's book").click()
    expect(page.locator("#fig-observed")).to_have_text("3")
    expect(page.locator("#fig-uptime")).to_contain_text("%")
    expect(page.locator("#depth-rows tr")).to_have_count(5)
    expect(page.locator("#public-orders a")).to_have_count(1)
    look("proof-pair")
    page.get_by_role("button", name="Last 7 days").click()
    expect(page.get_by_role("button", name="Last 7 days")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#fig-observed")).to_have_text("3")

    page.get_by_role("link", name="This node's proof: its code, rules and keys").click()
    expect(page.locator("#report-public-key")).to_have_text(report_public_key())
    expect(page.locator("#attestation")).to_have_text("not attested: no TEE")
    expect(page.locator("#running-hashes a")).to_have_count(1)
    expect(page.locator("#pair-links a")).to_have_count(1)
    look("proof-node")
