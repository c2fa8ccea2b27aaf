"""The translations are complete and compiled: Chinese by default, English everywhere."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "mubiao/locale/zh_Hans/LC_MESSAGES/django.po"
ENTRY = re.compile(r'^(#[^\n]*\n)*msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n)+)', re.M)


def entries() -> list[tuple[str, str, str]]:
    """(flags, msgid, msgstr) for every entry but the header."""
    found = []
    for match in ENTRY.finditer(PO.read_text(encoding="utf-8") + "\n"):
        flags = match.group(0).split("msgid")[0]
        msgid = "".join(ast.literal_eval(line) for line in match.group(2).splitlines())
        msgstr = "".join(ast.literal_eval(line) for line in match.group(3).splitlines())
        if msgid:
            found.append((flags, msgid, msgstr))
    return found


def test_every_message_has_a_chinese_translation():
    missing = [msgid for _, msgid, msgstr in entries() if not msgstr.strip()]
    assert not missing
    assert len(entries()) > 200


def test_no_translation_is_fuzzy():
    assert not [msgid for flags, msgid, _ in entries() if "fuzzy" in flags]


def test_placeholders_survive_translation():
    for _, msgid, msgstr in entries():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
            re.findall(r"%\(\w+\)s", msgstr)
        ), msgid


def test_the_compiled_catalogue_matches_the_source():
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    contexts = set(re.findall(r'^msgctxt "(.*)"$', PO.read_text(encoding="utf-8"), re.M))

    def compiled_texts(msgid: str) -> set[str]:  # with and without pgettext's contexts
        return {compiled.gettext(msgid)} | {compiled.pgettext(c, msgid) for c in contexts}

    stale = [msgid for _, msgid, msgstr in entries() if msgstr not in compiled_texts(msgid)]
    assert not stale, "run `make messages` to recompile the translations"
