"""The server-error page says what is true: the last submission may not have been saved."""

from __future__ import annotations

from unittest import mock

import lxml.html
import pytest
from django.test import Client

from mubiao.reporting.models import ReportVersion


@pytest.fixture
def careless_client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["swj"])
    return client


def test_a_failed_submission_is_not_called_saved(careless_client, slot):
    report = slot("swj", "t1")
    with mock.patch("mubiao.reporting.actions._write", side_effect=RuntimeError("disk gone")):
        response = careless_client.post(
            f"/reporting/r/{report.code}/", {"action": "submit", "progress": "已开工"}
        )
    assert response.status_code == 500
    page = lxml.html.fromstring(response.content)
    zh = page.xpath('//*[@data-testid="server-error-zh"]')[0].text_content()
    en = page.xpath('//*[@data-testid="server-error-en"]')[0].text_content()
    assert "可能没有保存" in zh and "状态" in zh
    assert "may not have been saved" in en and "check its state" in en
    assert "不会丢失" not in response.text and "Nothing already saved is lost" not in response.text
    assert not ReportVersion.objects.filter(report=report).exists()
