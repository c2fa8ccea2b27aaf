"""docs/reporting.md keeps up with the code: every workflow action, state and setting."""

from __future__ import annotations

from pathlib import Path

from mubiao.reporting import excel, workflow

DOC = (Path(__file__).resolve().parents[2] / "docs" / "reporting.md").read_text(encoding="utf-8")


def test_it_documents_every_action_of_the_workflow_table():
    for t in workflow.TRANSITIONS:
        assert f"| `{t.action}` (" in DOC, t.action


def test_it_documents_the_excel_contract_as_the_code_has_it():
    assert " | ".join(excel.REPORT_HEADER) in DOC
    assert " | ".join(excel.VALUE_HEADER) in DOC


def test_it_documents_the_settings_and_commands():
    for name in ("MUBIAO_WEBHOOK_URL", "MUBIAO_EVIDENCE_MAX_MB", "mubiao remind", "mubiao tick",
                 "mubiao bench deadline"):  # fmt: skip
        assert name in DOC, name
