"""No page, translation or document promises an outcome. The build fails when a template,
a locale file, a doc or the README uses one of the words below, each with why it is out.

The rule for legitimate uses:
- Measurement words stay: "profit and loss" / "PnL" / "realized profit and loss" name a
  figure we measure after the fact, so "profit" is allowed only inside "profit and loss".
- "return" as a verb ("the API returns …", "the funds return") and as the funds coming back
  stay; only the investment sense ("returns on …", "high/expected/annual … returns", ROI)
  is out.
- A sentence that says we do NOT promise it is a disclaimer and stays: a match is allowed
  when its sentence has a negation (no, not, never, without, nor; 不, 没有, 无, 并非) before it.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (pattern, why it is out); matched case-insensitively.
PROMISES = [
    (r"\byield(s|ing)?\b", "a yield is an income rate: we promise none"),
    (
        r"\bAPY\b|\bAPR\b|\bannual(ized)? (percentage )?(yield|rate|return)",
        "an annual rate of gain",
    ),
    (
        r"\b(high|higher|guaranteed|expected|annual|steady|stable|passive|fixed|attractive)"
        r"\s+returns?\b|\breturns?\s+on\s+(investment|capital|your)\b|\bROI\b",
        "returns in the investment sense",
    ),
    (
        r"\bprofit(s|able|ably|ability)?\b(?!\s+and\s+loss)",
        "profit as an outcome, not the PnL figure",
    ),
    (r"\bpassive income\b|\brisk[- ]free\b|\bguaranteed (gain|income|profit)", "a promised gain"),
    (
        r"\bprice support\b|\bsupport(s|ing)? (the|its|your) price\b|\bprop(s|ping)? up\b"
        r"|\b(hold|holds|defend|defends) the price\b|\bprice floor guarantee",
        "we never hold a price: the market decides it",
    ),
    (r"\bto the moon\b|\bpump(s|ing)?\b", "price talk"),
    (
        r"收益率|年化|保本|稳赚|稳定收益|利润(?!和亏损)|护盘|托盘|拉盘|托底",
        "the same promises in Chinese",
    ),
]
NEGATION = re.compile(r"\b(no|not|never|without|nor)\b|不|没有|无|并非", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?。！？]\s|\n\s*\n")


def promises_in(text: str) -> list[tuple[str, str]]:
    """(the words, why) for each promise in `text` that no negation in its sentence undoes."""
    found = []
    for pattern, why in PROMISES:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            starts = [m.end() for m in SENTENCE_END.finditer(text, 0, match.start())]
            sentence_start = starts[-1] if starts else 0
            if NEGATION.search(text, sentence_start, match.start()):
                continue
            found.append((match.group(0), why))
    return found


def _texts() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    files += sorted((ROOT / "templates").rglob("*.html"))
    files += sorted((ROOT / "locale").rglob("*.po"))
    return files


@pytest.mark.parametrize("path", _texts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_text_promises_an_outcome(path):
    text = path.read_text(encoding="utf-8")
    assert not promises_in(text), f"{path.relative_to(ROOT)}: {promises_in(text)}"


@pytest.mark.parametrize(
    "text",
    [
        "Earn a 12% yield on your tokens.",
        "APY 8%",
        "Expect high returns.",
        "The order is profitable.",
        "Our bots provide price support for your token.",
        "年化收益率 20%",
        "This preset holds the price above the floor.",
    ],
)
def test_the_list_catches_a_promise(text):
    assert promises_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Realized profit and loss, fees and the holding value are measured.",
        "The API returns the order; the funds return to the wallet.",
        "Pages and reports measure what happened; they make no promise of yield or price support.",
        "This preset does not hold any price: the market decides the price.",
        "PnL (profit and loss) per order.",
    ],
)
def test_the_list_leaves_measurement_and_disclaimers(text):
    assert not promises_in(text)
