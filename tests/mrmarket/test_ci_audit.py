"""The dependency audit's verdict (.ci/audit_verdict.py) read from pip-audit JSON reports
shaped like the ones pip-audit 2.x writes: a known vulnerability always fails, an audit that
could not reach advisory data fails only with AUDIT_REQUIRED=1, a clean one passes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDITED = {"name": "django", "version": "5.2.8", "vulns": []}
VULNERABLE = {
    "name": "requests",
    "version": "2.31.0",
    "vulns": [
        {
            "id": "GHSA-9wx4-h78v-vm56",
            "fix_versions": ["2.32.0"],
            "aliases": ["CVE-2024-35195"],
            "description": "Session verify=False persists for the connection.",
        }
    ],
}
SKIPPED = {
    "name": "aiohttp",
    "skip_reason": "Dependency not found on PyPI and could not be audited: aiohttp (3.14.5)",
}


def verdict(tmp_path: Path, report: object, *, required: bool) -> tuple[int, str]:
    path = tmp_path / "audit.json"
    if report is not None:
        path.write_text(report if isinstance(report, str) else json.dumps(report))
    env = dict(os.environ, AUDIT_REQUIRED="1" if required else "0")
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "audit_verdict.py"), str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return done.returncode, done.stdout


@pytest.mark.parametrize("required", [False, True])
def test_a_known_vulnerability_always_fails_and_is_named(tmp_path, required):
    report = {"dependencies": [AUDITED, VULNERABLE, SKIPPED], "fixes": []}
    code, out = verdict(tmp_path, report, required=required)
    assert code == 1
    assert "DEPENDENCY AUDIT FAILED: 1 known vulnerabilities" in out
    assert "requests 2.31.0: GHSA-9wx4-h78v-vm56 (fixed in 2.32.0)" in out


@pytest.mark.parametrize(("required", "expected"), [(False, 0), (True, 1)])
@pytest.mark.parametrize(
    "report",
    [
        {"dependencies": [SKIPPED, SKIPPED | {"name": "attrs"}], "fixes": []},  # nothing reached
        {"dependencies": [AUDITED, SKIPPED], "fixes": []},  # some not audited
        None,  # pip-audit wrote no report
        "Traceback (most recent call last):",  # nor a readable one
        {"dependencies": [], "fixes": []},
    ],
    ids=["all-skipped", "some-skipped", "no-report", "unreadable", "empty"],
)
def test_an_audit_without_advisory_data_fails_only_where_required(
    tmp_path, report, required, expected
):
    code, out = verdict(tmp_path, report, required=required)
    assert code == expected
    assert out.startswith("DEPENDENCY AUDIT NOT DONE:")
    assert "FAILED" not in out


def test_every_distribution_audited_and_none_vulnerable_passes(tmp_path):
    report = {"dependencies": [AUDITED, AUDITED | {"name": "celery"}], "fixes": []}
    assert verdict(tmp_path, report, required=True) == (
        0,
        "Dependency audit clean: 2 distributions, no known vulnerability.\n",
    )


def test_the_audit_reads_pip_audits_json_report():
    script = (ROOT / ".ci" / "audit").read_text()
    assert "--format json" in script
    assert ".ci/audit_verdict.py" in script
