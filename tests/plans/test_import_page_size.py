"""The review page of a large draft: the move and re-parent choices are rendered once per
page, not once per row, so the page grows linearly with the draft (measured in bytes)."""

from __future__ import annotations

from mubiao.plans.models import ImportDraft
from tests.plans.test_import import NOTICE, upload  # noqa: F401


def _draft(tasks: int) -> dict:
    """A draft of `tasks` tasks in 20 areas, each task with one target."""
    text = "".join(f"第{k}项重点工作任务的内容。" for k in range(tasks))
    return {
        "headings": [
            {"level": 1, "number": f"{a + 1}.", "text": f"领域{a}", "span": [0, 1]}
            for a in range(20)
        ],
        "targets": [
            {
                "metric": f"指标{k}",
                "kind": "count",
                "comparator": "=",
                "value": k,
                "value_max": None,
                "unit": "个",
                "period": "2026",
                "binding": False,
                "text": f"指标{k}",
                "span": [k, k + 1],
                "heading": k % 20,
                "confidence": 0.9,
                "headline": False,
            }
            for k in range(tasks)
        ],
        "tasks": [
            {
                "number": str(k + 1),
                "text": f"第{k}项重点工作任务的内容",
                "lead": [],
                "co": [],
                "leaders": [],
                "deadline": None,
                "heading": k % 20,
                "span": [k, k + 1],
                "targets": [k],
                "lead_match": [],
                "co_match": [],
            }
            for k in range(tasks)
        ],
        "warnings": [],
        "_text": text,
    }


def _page_bytes(client, draft: ImportDraft, tasks: int, page: int = 1) -> int:
    data = _draft(tasks)
    draft.text = data.pop("_text")
    draft.draft, draft.edits = data, {}
    draft.save(update_fields=["text", "draft", "edits"])
    response = client.get(f"{draft.get_absolute_url()}?page={page}")
    assert response.status_code == 200
    return len(response.content)


def test_the_review_page_of_a_large_draft_grows_linearly(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    small, large = _page_bytes(client, draft, 200), _page_bytes(client, draft, 1000)
    # 100 rows per page either way; only the shared lists (and the source) grow
    per_task = (large - small) / 800
    print(f"review page: 200 tasks {small} bytes, 1000 tasks {large} bytes, {per_task:.0f}/task")
    # before the shared lists: 1,555,497 and 7,235,601 bytes (7,100 a task); now about 70
    assert per_task < 150
    assert large < 400_000


def test_the_choices_are_on_the_page_once_and_each_select_keeps_its_own(upload, client):  # noqa: F811
    upload(text=NOTICE)
    draft = ImportDraft.objects.get()
    _page_bytes(client, draft, 300)
    page = client.get(draft.get_absolute_url()).text
    assert page.count('<template id="task-choices">') == 1
    assert page.count('<template id="area-choices">') == 0  # page 1 shows targets only
    assert page.count('<option value="299">300. 第299项') == 1  # in the shared list only
    row = page.split('name="target-7-task"')[1].split("</select>")[0]
    assert '<option value="7" selected>8. 第7项重点工作任务的内容</option>' in row
    assert row.count("<option") == 2  # (none) and its own task
    tasks_page = client.get(f"{draft.get_absolute_url()}?page=4").text
    assert tasks_page.count('<template id="area-choices">') == 1
    row = tasks_page.split('name="task-3-heading"')[1].split("</select>")[0]
    assert '<option value="3" selected>4.领域3</option>' in row and row.count("<option") == 2
