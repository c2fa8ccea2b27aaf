"""The Excel ledger prints: LibreOffice renders it to PDF on A4 landscape pages, each
with the header row repeated. Needs ``soffice`` (CI installs it, .ci/run); elsewhere
the test skips unless MUBIAO_EXPECT_OFFICE is set."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.utils import translation
from pypdf import PdfReader

from mubiao.dashboard import ledger

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not (os.environ.get("MUBIAO_EXPECT_OFFICE") or os.environ.get("CI")),
    reason="LibreOffice (soffice) is not installed",
)


def rows(n: int) -> list[dict]:
    return [
        {"type": "indicator", "code": f"i{k}", "name": f"指标{k}", "task": f"任务{k}",
         "task_code": "", "area": "稳增长", "target": "≥ 100个", "target_value": 100.0,
         "comparator": ">=", "unit": "个", "actual": 40.0 + k % 50, "expected_fraction": 0.5,
         "status": "yellow", "units": ["市发展改革委", "市商务局"], "lead_units": ["市发展改革委"]}
        for k in range(n)
    ]  # fmt: skip


def test_the_ledger_prints_on_a4_landscape_with_the_header_on_every_page(tmp_path):
    data = {"plan": {"name": "示范市2026年目标任务", "code": "demo"}, "as_of": "2026-07-10",
            "tasks": []}  # fmt: skip
    with translation.override("zh-hans"):
        book = ledger.workbook(data, rows(120))
    source = tmp_path / "ledger.xlsx"
    book.save(source)
    subprocess.run(
        [SOFFICE or "soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = PdfReader(tmp_path / "ledger.pdf")
    assert len(pdf.pages) >= 2
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
        text = page.extract_text()
        assert "序号" in text and "牵头单位" in text and "与序时进度差" in text
    # fitted to the width: every column, the last one included, is on the first page
    assert "编码" in pdf.pages[0].extract_text()
