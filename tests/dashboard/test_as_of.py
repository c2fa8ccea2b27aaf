"""A bad "as of" date on any page is a 400 with a sentence (the API's rule), never a 500."""

from __future__ import annotations

import lxml.html
import pytest

P = "/monitor/demo-2026"
PAGES = [f"{P}/", f"{P}/ledger/", f"{P}/ledger/?format=xlsx&", f"{P}/ranking/",
         f"{P}/areas/growth/", f"{P}/tasks/t1/"]  # fmt: skip


def url(page: str, as_of: str) -> str:
    return f"{page}{'' if page.endswith('&') else '?'}as_of={as_of}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("as_of", "sentence"),
    [
        ("9999-12-31", "前后一年之内"),
        ("0001-01-01", "前后一年之内"),
        ("2024-12-31", "前后一年之内"),
        ("July", "不是日期"),
        ("2026-02-30", "不是日期"),
    ],
)
def test_a_bad_as_of_is_refused_with_a_sentence(login, page, as_of, sentence):
    response = login("supervisor").get(url(page, as_of), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    reason = lxml.html.fromstring(response.content).xpath('//*[@data-testid="reason"]')
    assert reason and sentence in reason[0].text_content()


def test_the_edges_of_the_window_are_accepted(login):
    client = login("supervisor")
    assert client.get(f"{P}/?as_of=2025-01-01").status_code == 200
    assert client.get(f"{P}/ledger/?as_of=2027-12-31").status_code == 200


def test_the_sentence_follows_the_users_language(login, settings):
    client = login("supervisor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the user switched to English
    response = client.get(f"{P}/?as_of=9999-12-31")
    assert response.status_code == 400
    assert "The date must be within a year of the plan&#x27;s year." in response.text
