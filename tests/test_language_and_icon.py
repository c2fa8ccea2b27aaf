"""Chinese unless the user chose otherwise; the switch remembers; a favicon."""

from __future__ import annotations

from django.urls import reverse


def test_a_browser_asking_for_english_still_gets_chinese(client, world):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.content.decode()


def test_the_switch_is_remembered_on_every_page(login):
    client = login("fgw")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in (reverse("home"), reverse("reporting:inbox")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        assert '<html lang="en">' in page, url
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in page


def test_the_api_still_honours_accept_language(client, world):
    en = client.get("/api/v1/plans/nope", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code in (401, 403, 404)
    assert en.headers["Content-Language"] == "en"


def test_every_page_links_a_favicon_and_favicon_ico_answers(client, world):
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in page and "favicon" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")
