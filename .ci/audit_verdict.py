"""The verdict of the dependency audit (.ci/audit) from pip-audit's JSON report.

    python .ci/audit_verdict.py REPORT.json

The report is pip-audit's `--format json` output: {"dependencies": [...], "fixes": [...]},
one entry per installed distribution, either audited ({"name", "version", "vulns": [...]})
or skipped ({"name", "skip_reason"}: no advisory data for it could be had). Three outcomes:

    vulnerable   at least one audited distribution has a known vulnerability: exit 1, always
    not done     no report, an unreadable one, or distributions that could not be audited
                 (no advisory source answered): said loudly; exit 1 only where
                 AUDIT_REQUIRED=1 (the release pipeline), else 0
    clean        every distribution audited, none vulnerable: exit 0
"""

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

VULNERABLE, NOT_DONE, CLEAN = "vulnerable", "not done", "clean"


@dataclass
class Verdict:
    outcome: str
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    problem: str = ""

    def exit_code(self, *, required: bool) -> int:
        if self.outcome == VULNERABLE:
            return 1
        if self.outcome == NOT_DONE:
            return 1 if required else 0
        return 0

    def lines(self) -> list[str]:
        if self.outcome == VULNERABLE:
            return [
                f"DEPENDENCY AUDIT FAILED: {len(self.findings)} known vulnerabilities:",
                *(f"  {finding}" for finding in self.findings),
            ]
        if self.outcome == NOT_DONE:
            why = self.problem or (
                f"{len(self.skipped)} of {self.audited + len(self.skipped)} distributions "
                f"could not be audited (e.g. {self.skipped[0]})"
            )
            return [
                f"DEPENDENCY AUDIT NOT DONE: {why}.",
                "No advisory source answered from this machine; set AUDIT_REQUIRED=1 where "
                "one must (the release pipeline) to make this fail.",
            ]
        return [f"Dependency audit clean: {self.audited} distributions, no known vulnerability."]


def verdict_of(text: str | None) -> Verdict:
    """The outcome of one pip-audit JSON report (None: pip-audit wrote none)."""
    if not text:
        return Verdict(NOT_DONE, problem="pip-audit wrote no report")
    try:
        report = json.loads(text)
        dependencies = report["dependencies"]
        if not isinstance(dependencies, list):
            raise TypeError("dependencies is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        return Verdict(NOT_DONE, problem=f"pip-audit's report is unreadable ({exc})")
    verdict = Verdict(CLEAN)
    for dependency in dependencies:
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            verdict.skipped.append(f"{name}: {dependency['skip_reason']}")
            continue
        verdict.audited += 1
        for vuln in dependency.get("vulns") or []:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            verdict.findings.append(
                f"{name} {dependency.get('version', '?')}: {vuln.get('id', '?')} (fixed in {fixed})"
            )
    if verdict.findings:
        verdict.outcome = VULNERABLE
    elif verdict.skipped or not verdict.audited:
        verdict.outcome = NOT_DONE
        if not verdict.audited and not verdict.skipped:
            verdict.problem = "the report lists no distribution"
    return verdict


def main(argv: list[str]) -> int:
    path = Path(argv[1])
    verdict = verdict_of(path.read_text() if path.exists() else None)
    for line in verdict.lines():
        print(line)
    return verdict.exit_code(required=os.environ.get("AUDIT_REQUIRED", "0") == "1")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
