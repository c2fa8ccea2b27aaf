"""A report's history names who wrote each version and who reviewed it, and leaves the
name out (with its separator) where nobody did: the demo's synthetic months."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model

from mubiao.reporting.models import Report


def test_a_version_without_an_author_ends_without_a_dangling_separator(demo, client):
    report = (
        Report.objects.filter(cycle__plan=demo, versions__created_by__isnull=True)
        .order_by("pk")
        .first()
    )
    assert report is not None, "the demo has no version without an author"
    client.force_login(get_user_model().objects.get(username="duchashi"))
    page = client.get(f"/reporting/r/{report.code}/").content.decode()
    history = page.split('<ul class="plain">')[-1].split("</ul>")[0]
    lines = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert lines and any(line.startswith("v1 · ") for line in lines)
    assert not [line for line in lines if line.rstrip().endswith("·")]
