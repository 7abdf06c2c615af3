"""A bundle built twice from the same facts is byte-identical; report_verify recomputes its
figures and names what was changed; a bundle signed by another key fails."""

import json
import zipfile
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from nacl.signing import SigningKey

from executor.models import ExchangeFill
from reports.bundle.build import bundle_build, bundle_sign, report_document
from reports.bundle.canonical import canonical_json
from reports.bundle.csv_export import bundle_csv_zip
from reports.bundle.verify import bundle_problems
from reports.keys import report_public_key
from tests.conftest import requires_postgres
from tests.reports.world import traded_order, window_of

pytestmark = pytest.mark.django_db(transaction=True)


def build(order, **kwargs):
    since, until = window_of(order)
    return bundle_build(order=order, since=since, until=until, **kwargs)


def test_the_same_facts_give_the_same_bytes_and_hash():
    _, order = traded_order()
    since, until = window_of(order)
    first = bundle_build(order=order, since=since, until=until)
    second = bundle_build(order=order, since=since, until=until)
    assert first.content == second.content
    assert first.sha256 == second.sha256
    report = json.loads(first.content)["report"]
    assert len(report["facts"]["fills"]) == ExchangeFill.objects.count() == 3
    assert report["figures"]["pnl"]["activity"]["fills"]["count"] == 3
    assert bundle_problems(first.content, public_key=report_public_key()) == []
    # The CSV export is as repeatable as the bundle.
    rebuilt = report_document(order=order, since=since, until=until)
    assert bundle_csv_zip(rebuilt, sha256=first.sha256) == bundle_csv_zip(
        rebuilt, sha256=second.sha256
    )
    names = zipfile.ZipFile(BytesIO(bundle_csv_zip(rebuilt, sha256=first.sha256))).namelist()
    assert {"fills.csv", "ledger_entries.csv", "figures.csv", "MANIFEST.txt"} <= set(names)


@requires_postgres
def test_the_same_facts_give_the_same_bytes_on_postgres():
    # The PostgreSQL run of the test above, named so CI shows it ran on both databases.
    test_the_same_facts_give_the_same_bytes_and_hash()


def _tampered(content, change):
    envelope = json.loads(content)
    change(envelope["report"])
    return canonical_json(envelope)


def test_a_fill_with_its_price_changed_fails_naming_the_fill(tmp_path):
    _, order = traded_order()
    bundle = build(order)
    trade_id = json.loads(bundle.content)["report"]["facts"]["fills"][1]["trade_id"]

    def cheaper(report):
        report["facts"]["fills"][1]["price"] = "90"

    path = tmp_path / "tampered.json"
    path.write_bytes(_tampered(bundle.content, cheaper))
    out = []
    with pytest.raises(CommandError):
        call_command("report_verify", str(path), stdout=_Lines(out))
    text = "\n".join(out)
    assert text.startswith("hash: ")
    assert f"fill trade {trade_id} " in text and "price 90" in text
    assert "figures.pnl.activity.volume.quote" in text


def test_figures_that_do_not_follow_from_the_facts_are_named_even_when_re_signed():
    _, order = traded_order()
    key = SigningKey.generate()
    report = json.loads(build(order, key=key).content)["report"]
    report["figures"]["pnl"]["realized_pnl"] = "1000000"
    resigned = bundle_sign(report, key=key).content
    public = key.verify_key.encode().hex()
    problems = bundle_problems(resigned, public_key=public)
    assert len(problems) == 1 and problems[0].startswith("figures.pnl.realized_pnl:")


def test_a_bundle_signed_by_another_key_fails(tmp_path):
    _, order = traded_order()
    path = tmp_path / "other.json"
    path.write_bytes(build(order, key=SigningKey.generate()).content)
    out = []
    with pytest.raises(CommandError):
        call_command("report_verify", str(path), stdout=_Lines(out))
    assert any(line.startswith("signature: signed by key") for line in out)

    # And a signature that is not the named key's own fails too.
    envelope = json.loads(path.read_bytes())
    envelope["public_key"] = report_public_key()
    problems = bundle_problems(canonical_json(envelope), public_key=report_public_key())
    assert problems == ["signature: does not match the report's hash"]


def test_report_build_writes_the_bundle_and_its_csv_zip(tmp_path):
    _, order = traded_order()
    since, until = window_of(order)
    out = tmp_path / "report.json"
    lines = []
    call_command(
        "report_build",
        str(order.pk),
        "--from",
        since.isoformat(),
        "--to",
        until.isoformat(),
        "--out",
        str(out),
        stdout=_Lines(lines),
    )
    assert (tmp_path / "report.json.csv.zip").exists()
    verified = []
    call_command("report_verify", str(out), stdout=_Lines(verified))
    assert verified == ["verified: hash, signature and every figure match the facts"]


class _Lines:
    """A stdout for call_command that keeps each written line."""

    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self):
        pass


def test_what_is_not_a_bundle_is_said_so():
    key = report_public_key()
    assert bundle_problems(b"{", public_key=key)[0].startswith("not a readable bundle")
    assert bundle_problems(b'{"a":1.5}', public_key=key)[0].startswith("not a readable bundle")
    assert bundle_problems(b"[]", public_key=key) == ["not a mrmarket-execution-report/1 bundle"]
    partial = b'{"format":"mrmarket-execution-report/1","report":{}}'
    assert bundle_problems(partial, public_key=key) == [
        "not a complete bundle: no public_key, sha256, signature"
    ]
