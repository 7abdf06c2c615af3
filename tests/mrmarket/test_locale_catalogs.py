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


def po_messages(path: Path) -> dict[object, str]:
    """msgid (with its context as gettext keys it: "context\\x04msgid") → msgstr; a fuzzy
    entry (msgmerge's guess, which compilemessages leaves out) counts as untranslated."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = None
    fuzzy = False

    def close() -> None:
        if "msgid" in entry and entry["msgid"]:
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = f"{entry['msgctxt']}\x04{key}"
            if "msgid_plural" in entry:
                # One message per plural form, keyed as Python's gettext keys them.
                forms = sorted(k for k in entry if k.startswith("msgstr["))
                for form in forms or ["msgstr[0]"]:
                    index = int(form[len("msgstr[") : -1])
                    messages[(key, index)] = "" if fuzzy else entry.get(form, "")
            else:
                messages[key] = "" if fuzzy else entry.get("msgstr", "")

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            close()
            entry, field, fuzzy = {}, None, False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
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
    translated = {key: value for key, value in po_messages(po).items() if value}
    assert compiled == translated, f"{mo} is stale: run `manage.py compilemessages`"


def test_a_fuzzy_guess_counts_as_untranslated(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#, fuzzy\n#| msgid "Old"\nmsgid "New"\nmsgstr "旧"\n\n'
        'msgctxt "unit"\nmsgid "seconds"\nmsgstr "秒"\n',
        encoding="utf-8",
    )
    assert po_messages(po) == {"New": "", "unit\x04seconds": "秒"}


def test_plural_forms_are_read_one_by_one(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        'msgid "%(n)d field"\nmsgid_plural "%(n)d fields"\nmsgstr[0] "%(n)d 个字段"\n\n'
        'msgid "%(n)d day"\nmsgid_plural "%(n)d days"\nmsgstr[0] ""\n',
        encoding="utf-8",
    )
    assert po_messages(po) == {("%(n)d field", 0): "%(n)d 个字段", ("%(n)d day", 0): ""}
