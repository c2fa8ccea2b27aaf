"""Audit rows are typed: every ``record`` call passes a known :class:`Event`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from mubiao.audit import events
from mubiao.audit.events import Event
from mubiao.audit.models import AuditEntry, record

PACKAGE = Path(__file__).resolve().parents[2] / "mubiao"


def _record_calls():
    """(file, line, action argument) for each call of the audit trail's ``record``."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "mubiao.audit.models"
            for alias in node.names
            if alias.name == "record"
        }
        if not names:
            continue
        constants = {  # module-level aliases such as FAILED = Event.LOGIN_FAILED
            target.id: value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target, value in _pairs(node)
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
            ):
                arg = node.args[1] if len(node.args) > 1 else None
                for kw in node.keywords:
                    if kw.arg == "action":
                        arg = kw.value
                if isinstance(arg, ast.Name) and arg.id in constants:
                    arg = constants[arg.id]
                yield path.relative_to(PACKAGE.parent), node.lineno, arg


def _pairs(assign: ast.Assign):
    for target in assign.targets:
        if isinstance(target, ast.Tuple) and isinstance(assign.value, ast.Tuple):
            yield from zip(target.elts, assign.value.elts, strict=True)
        else:
            yield target, assign.value


def test_the_code_records_audit_rows():
    assert len(list(_record_calls())) >= 14


def test_every_recorded_event_is_a_known_constant():
    wrong = []
    for where, line, arg in _record_calls():
        # Event.X, or `Event.X if … else Event.Y`
        choices = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
        ok = all(
            isinstance(a, ast.Attribute)
            and isinstance(a.value, ast.Name)
            and a.value.id == "Event"
            and a.attr in Event.__members__
            for a in choices
        )
        if not ok:
            wrong.append(f"{where}:{line}: {ast.unparse(arg) if arg else 'no action'}")
    assert not wrong, "record() called without an Event member:\n" + "\n".join(wrong)


def test_the_trail_refuses_a_free_string(db):
    with pytest.raises(TypeError):
        record(None, "report.approve", "report:x")
    assert not AuditEntry.objects.exists()


def test_an_event_is_stored_by_its_value(db):
    entry = record(None, Event.TOKEN_REVOKE, "token:abc")
    entry.refresh_from_db()
    assert entry.action == "token.revoke"
    assert AuditEntry.objects.filter(action=Event.TOKEN_REVOKE).get() == entry


def test_values_are_unique_and_shaped_noun_dot_verb():
    values = [e.value for e in Event]
    assert len(values) == len(set(values))
    for value in values:
        noun, _, verb = value.partition(".")
        assert noun and verb and value == value.lower(), value


def test_every_event_has_a_label_in_both_languages():
    for event in Event:
        with translation.override("en"):
            english = str(event.label)
        with translation.override("zh-hans"):
            chinese = str(event.label)
        assert english and english != event.value, event
        assert chinese != english, f"{event}: no zh_Hans translation for {english!r}"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), (event, chinese)


def test_label_of_an_unknown_stored_value_is_the_value():
    assert events.label("old.kind") == "old.kind"
    with translation.override("zh-hans"):
        assert str(events.label("report.return")) == "已退回"
