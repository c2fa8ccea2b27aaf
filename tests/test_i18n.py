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


PLURAL = re.compile(
    r'^(#[^\n]*\n)*msgid ((?:"[^\n]*"\n)+)msgid_plural ((?:"[^\n]*"\n)+)'
    r'msgstr\[0\] ((?:"[^\n]*"\n)+)',
    re.M,
)


def plural_entries() -> list[tuple[str, str, str, str]]:
    """(flags, msgid, msgid_plural, msgstr[0]) for every plural entry (Chinese has one
    form: ``nplurals=1``)."""
    found = []
    for match in PLURAL.finditer(PO.read_text(encoding="utf-8") + "\n"):
        flags = match.group(0).split("msgid")[0]
        msgid, plural, msgstr = (
            "".join(ast.literal_eval(line) for line in match.group(n).splitlines())
            for n in (2, 3, 4)
        )
        found.append((flags, msgid, plural, msgstr))
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
    stale += [
        msgid
        for _, msgid, plural, msgstr in plural_entries()
        if compiled.ngettext(msgid, plural, 1) != msgstr
    ]
    assert not stale, "run `make messages` to recompile the translations"


def test_every_plural_message_has_a_chinese_translation_with_its_placeholders():
    found = plural_entries()
    assert found
    for flags, msgid, plural, msgstr in found:
        assert msgstr.strip() and "fuzzy" not in flags, msgid
        assert sorted(re.findall(r"%\(\w+\)s", plural)) == sorted(
            re.findall(r"%\(\w+\)s", msgstr)
        ), msgid


ROOT = PO.parents[4]
TEMPLATE_LITERAL = re.compile(r'\{% (?:translate|trans) "((?:[^"\\]|\\.)*)"( context "[^"]*")?')
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop"}


def _source_msgids() -> list[tuple[str, str]]:
    """(where, msgid as looked up) for every literal the code and templates translate:
    ``{% translate "…" %}`` (the tag doubles each ``%`` before it looks the text up) and
    ``_("…")`` / ``gettext("…")`` / ``gettext_lazy("…")`` in Python."""
    found = []
    for path in sorted((ROOT / "mubiao/templates").rglob("*.html")):
        for match in TEMPLATE_LITERAL.finditer(path.read_text(encoding="utf-8")):
            if not match.group(2):  # a context is looked up with pgettext; left out
                found.append((path.name, match.group(1).replace("%", "%%")))
    for path in sorted((ROOT / "mubiao").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((f"{path.name}:{node.lineno}", node.args[0].value))
    return found


def test_every_translated_literal_is_in_the_catalogue():
    """A text added to a page or the code without its entry shows in English on the
    Chinese page (a template text with a ``%`` must be written ``%%`` in the catalogue)."""
    known = {msgid for _, msgid, _ in entries()}
    literals = _source_msgids()
    assert len(literals) > 500, "the scan found too few texts to prove anything"
    missing = [(where, msgid) for where, msgid in literals if msgid not in known]
    assert not missing
