"""The translations the pages use: every message of each .po file is translated, and the
committed .mo (what Django reads) says exactly what its .po says, so a change to a .po
without `manage.py compilemessages` fails here. Runs without gettext's tools: the .po is
read by the small parser below and the .mo by Python's own gettext."""

import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def po_messages(path: Path) -> dict[str, str]:
    """msgid (with its context as gettext keys it: "context\\x04msgid") → msgstr."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = None

    def close() -> None:
        if "msgid" in entry and entry["msgid"]:
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = f"{entry['msgctxt']}\x04{key}"
            messages[key] = entry.get("msgstr", "")

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            close()
            entry, field = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)
    close()
    return messages


def test_there_is_a_chinese_catalog():
    assert [p.parts[-3] for p in CATALOGS] == ["zh_Hans"]


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_message_is_translated(po):
    untranslated = [msgid for msgid, msgstr in po_messages(po).items() if not msgstr]
    assert not untranslated


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_the_compiled_catalog_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"run `manage.py compilemessages` for {po}"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    compiled = {key: value for key, value in compiled.items() if key}  # drop the header
    assert compiled == po_messages(po), f"{mo} is stale: run `manage.py compilemessages`"
