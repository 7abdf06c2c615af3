"""A public proof is built by a worker and stored; no visitor's request builds a bundle.

The owner's switch enqueues the first build; the minute's beat job rebuilds the proofs of
running orders once their stored window is behind the minute, builds a finished order's
final window once and leaves it alone, a bounded number per run. Visitors read the stored
summary and download the stored bytes of the published window only (another window, or
the CSV zip, is the owner's); before the first build they are told it is being prepared
(503 proof_pending, Retry-After); private again, nothing is served at once."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from orders.models import MarketMakingOrder
from reports.bundle.canonical import canonical_json
from reports.bundle.verify import bundle_problems
from reports.keys import report_public_key
from reports.models import PublishedProof
from reports.public_proof import PROOF_PENDING_RETRY_SECONDS, published_proof_build
from reports.tasks import reports_proof_build, reports_proofs_refresh
from tests.reports.world import traded_order

pytestmark = pytest.mark.django_db(transaction=True)

BUILDERS = ("reports.public_proof.report_document", "reports.api.report_document")


class Clock:
    """The proof window's clock (reports.public_proof.window_clock), moved by hand."""

    def __init__(self, monkeypatch, now):
        self.now = now
        monkeypatch.setattr("reports.public_proof.window_clock", lambda: self.now)

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)


def no_build(monkeypatch):
    """From here on, building a bundle fails the test."""

    def refuse(**_):
        raise AssertionError("a bundle was built during a visitor's request")

    for target in BUILDERS:
        monkeypatch.setattr(target, refuse)


def count_builds(monkeypatch):
    from reports.bundle import build

    calls = []

    def counted(**kwargs):
        calls.append(kwargs["until"])
        return build.report_document(**kwargs)

    for target in BUILDERS:
        monkeypatch.setattr(target, counted)
    return calls


def made_public(order, sent_tasks):
    owner = APIClient()
    owner.force_authenticate(order.user)
    answer = owner.post(
        f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": True}, format="json"
    )
    assert answer.status_code == 200
    return owner


@pytest.fixture
def public_order(monkeypatch, sent_tasks):
    market, order = traded_order()
    # Five seconds into a minute after every fill: the tests move it by the minute.
    clock = Clock(monkeypatch, (market.now + timedelta(minutes=2)).replace(second=5))
    owner = made_public(order, sent_tasks)
    return market, order, owner, clock


def report_url(order):
    return f"/api/v1/market-making/orders/{order.pk}/report/"


def test_the_switch_enqueues_the_first_build_and_the_task_stores_it(public_order, sent_tasks):
    _, order, _, clock = public_order
    assert sent_tasks == [
        (
            "reports.tasks.reports_proof_build",
            {"order_id": str(order.pk), "trace_id": order.trace_id},
        )
    ]
    assert not PublishedProof.objects.exists()
    assert reports_proof_build(**sent_tasks[0][1]) is True
    proof = PublishedProof.objects.get(order=order)
    assert proof.until == clock.now.replace(second=0, microsecond=0)
    assert proof.since == order.created_at and not proof.final


def test_before_the_first_build_visitors_are_told_it_is_being_prepared(public_order, monkeypatch):
    _, order, _, _ = public_order
    no_build(monkeypatch)
    anyone = APIClient()
    for url in (f"/api/v1/proof/orders/{order.pk}/", report_url(order)):
        answer = anyone.get(url)
        assert answer.status_code == 503, url
        assert answer["Retry-After"] == str(PROOF_PENDING_RETRY_SECONDS)
        error = answer.json()["error"]
        assert error["code"] == "proof_pending"
        assert error["detail"]["retry_after_seconds"] == PROOF_PENDING_RETRY_SECONDS
    # The page itself answers, and its script says the report is being prepared.
    page = anyone.get(f"/proof/orders/{order.pk}/")
    assert page.status_code == 200
    assert 'id="proof-preparing"' in page.content.decode()


def test_visitors_read_the_stored_proof_and_never_build_one(public_order, monkeypatch):
    _, order, _, _ = public_order
    published_proof_build(order=order)
    no_build(monkeypatch)
    stranger = APIClient()
    stranger.force_authenticate(get_user_model().objects.create(username="stranger"))
    for visitor in (APIClient(), stranger):
        summary = visitor.get(f"/api/v1/proof/orders/{order.pk}/").json()
        window = summary["window"]
        for query in ({}, {"from": window["from"], "to": window["to"]}, {"to": window["to"]}):
            bundle = visitor.get(report_url(order), query)
            assert bundle.status_code == 200, query
            # The downloaded bytes are the stored bundle: its report hashes to the summary's
            # sha256, and it verifies.
            envelope = json.loads(bundle.content)
            assert (
                hashlib.sha256(canonical_json(envelope["report"])).hexdigest()
                == (summary["bundle"]["sha256"])
            )
            assert bundle["X-Report-SHA256"] == summary["bundle"]["sha256"]
            assert bundle["Content-Disposition"] == f'attachment; filename="report-{order.pk}.json"'
            assert len(bundle.content) == summary["bundle"]["size"]
            assert envelope["report"]["window"] == window
        assert bundle_problems(bundle.content, public_key=report_public_key()) == []


def test_a_visitor_may_not_ask_for_another_window_or_the_csv_the_owner_may(
    public_order, monkeypatch
):
    _, order, owner, _ = public_order
    published_proof_build(order=order)
    proof = PublishedProof.objects.get(order=order)
    window = proof.summary["window"]
    builds = count_builds(monkeypatch)
    anyone = APIClient()
    other = {"from": window["from"], "to": (proof.until + timedelta(minutes=5)).isoformat()}
    refused = anyone.get(report_url(order), other)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "proof_window_only"
    assert "published window" in error["message"]
    assert error["detail"] == window
    csv = anyone.get(report_url(order), {"export": "csv"})
    assert csv.status_code == 403 and csv.json()["error"]["code"] == "proof_csv_owner_only"
    assert builds == []

    # The owner keeps any window, built on request, and the CSV zip.
    mine = owner.get(report_url(order), other)
    assert mine.status_code == 200
    assert json.loads(mine.content)["report"]["window"]["to"] != window["to"]
    assert mine["X-Report-SHA256"] == json.loads(mine.content)["sha256"]
    zipped = owner.get(report_url(order), {"export": "csv"})
    assert zipped["Content-Type"] == "application/zip"
    assert zipped["Content-Disposition"] == f'attachment; filename="report-{order.pk}.csv.zip"'
    assert len(builds) == 2


def test_the_beat_job_refreshes_by_the_minute(public_order, monkeypatch):
    _, order, _, clock = public_order
    builds = count_builds(monkeypatch)
    assert reports_proofs_refresh() == 1
    first = PublishedProof.objects.get(order=order)
    # Within the same minute the stored window is current: nothing to build.
    clock.advance(seconds=30)
    assert reports_proofs_refresh() == 0
    clock.advance(seconds=30)
    assert reports_proofs_refresh() == 1
    second = PublishedProof.objects.get(order=order)
    assert second.until == first.until + timedelta(minutes=1)
    assert second.summary["window"]["to"] != first.summary["window"]["to"]
    assert len(builds) == 2
    # Served at once, without a build.
    no_build(monkeypatch)
    summary = APIClient().get(f"/api/v1/proof/orders/{order.pk}/").json()
    assert summary == second.summary


def test_a_finished_orders_final_proof_is_built_once_and_left_alone(public_order, monkeypatch):
    _, order, _, clock = public_order
    assert reports_proofs_refresh() == 1  # while it runs
    ended = clock.now - timedelta(seconds=10)
    MarketMakingOrder.objects.filter(pk=order.pk).update(state="exited", state_changed_at=ended)
    clock.advance(minutes=1)
    assert reports_proofs_refresh() == 1
    final = PublishedProof.objects.get(order=order)
    assert final.final
    assert final.until == ended.replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert final.summary["order"]["state"] == "exited"
    builds = count_builds(monkeypatch)
    for _ in range(3):
        clock.advance(hours=1)
        assert reports_proofs_refresh() == 0
    assert builds == []
    assert PublishedProof.objects.get(order=order).built_at == final.built_at


def test_a_run_builds_at_most_the_setting_never_built_first(
    public_order, monkeypatch, settings, sent_tasks
):
    market, order, _, clock = public_order
    second = market.running_order(xin="1", usdt="100")
    made_public(second, sent_tasks)
    assert reports_proofs_refresh() == 2
    settings.REPORTS_PROOFS_PER_TASK = 1
    clock.advance(minutes=1)
    third = market.running_order(xin="1", usdt="100")
    made_public(third, sent_tasks)
    assert reports_proofs_refresh() == 1
    assert PublishedProof.objects.filter(order=third).exists()  # never built: first
    assert reports_proofs_refresh() == 1
    assert reports_proofs_refresh() == 1
    assert reports_proofs_refresh() == 0
    assert set(PublishedProof.objects.values_list("until", flat=True)) == {
        clock.now.replace(second=0, microsecond=0)
    }


def test_private_again_serves_nothing_at_once(public_order, monkeypatch):
    _, order, owner, _ = public_order
    published_proof_build(order=order)
    no_build(monkeypatch)
    anyone = APIClient()
    assert anyone.get(f"/api/v1/proof/orders/{order.pk}/").status_code == 200
    owner.post(f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": False}, format="json")
    assert not PublishedProof.objects.filter(order=order).exists()
    assert anyone.get(f"/api/v1/proof/orders/{order.pk}/").status_code == 404
    assert anyone.get(report_url(order)).status_code == 404
    assert anyone.get(f"/proof/orders/{order.pk}/").status_code == 404
    # A build that was under way when the switch turned stores nothing, and the beat skips it.
    assert published_proof_build(order=order) is None
    assert reports_proofs_refresh() == 0
    assert not PublishedProof.objects.exists()


def test_a_row_left_from_a_private_order_is_never_served(public_order):
    _, order, _, _ = public_order
    published_proof_build(order=order)
    # As if the row outlived the switch (a build finishing just after it).
    MarketMakingOrder.objects.filter(pk=order.pk).update(proof_public=False)
    assert APIClient().get(f"/api/v1/proof/orders/{order.pk}/").status_code == 404
    assert APIClient().get(report_url(order)).status_code == 404


def test_one_failing_build_does_not_hold_back_the_others(public_order, monkeypatch, sent_tasks):
    market, order, _, _ = public_order
    other = market.running_order(xin="1", usdt="100")
    made_public(other, sent_tasks)
    from reports.bundle import build

    def failing_for_the_first(**kwargs):
        if kwargs["order"].pk == order.pk:
            raise RuntimeError("the database went away")
        return build.report_document(**kwargs)

    monkeypatch.setattr("reports.public_proof.report_document", failing_for_the_first)
    assert reports_proofs_refresh() == 1
    assert list(PublishedProof.objects.values_list("order_id", flat=True)) == [other.pk]


def test_an_older_build_finishing_last_keeps_the_later_window(public_order, monkeypatch):
    _, order, _, clock = public_order
    older_now = clock.now
    clock.advance(minutes=1)
    newer = published_proof_build(order=order)
    # A build of the minute before (the switch's, slower) ends after the beat's newer one.
    assert published_proof_build(order=order, now=older_now) is None
    stored = PublishedProof.objects.get(order=order)
    assert stored.until == newer.until
    assert stored.sha256 == newer.sha256
