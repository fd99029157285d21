"""Chinese is the product's language; English only when the user switches to it."""
import re

import pytest


def _button(response) -> str:
    return re.search(r'<button class="btn btn-primary w-100" type="submit">(.*?)</button>', response.content.decode()).group(1)


@pytest.mark.django_db
def test_pages_speak_chinese_even_to_an_english_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert _button(response) == "登录"
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.django_db
def test_the_switch_turns_the_pages_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    assert _button(response) == "Sign in"
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"}, follow=True)
    assert _button(response) == "登录"


def test_signed_in_pages_are_translated(client, supervisor):
    client.force_login(supervisor)
    client.cookies["django_language"] = "en"
    page = client.get("/people/").content.decode()
    assert "Staff no." in page
