"""An anonymous reader's article page is drawn in a frame rendered once (public.page.Frame):
the bytes are those the full template gives, whatever the article and the audience."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from public import fastpath, page
from tests.factories import approved_article, sample_content, submitted_article

pytestmark = pytest.mark.django_db

# A title with every character the template escapes.
AWKWARD_TITLE = "Is <b>5 & 10</b> mg \"safe\" for a child's 'fever'?"


def both_ways(client, monkeypatch, url: str, **params) -> tuple[bytes, bytes]:
    """The page as served, then as the full template renders it (nothing kept between)."""
    cache.clear()
    fastpath.forget_all()
    page._frames.clear()
    framed = client.get(url, params)
    assert page._frames, "the page was not drawn in the frame"
    cache.clear()
    fastpath.forget_all()
    with monkeypatch.context() as patched:
        patched.setattr(page, "_frame_is_plain", lambda *args, **kwargs: False)
        full = client.get(url, params)
    assert framed.status_code == full.status_code == 200
    return framed.content, full.content


@pytest.mark.parametrize("audience", [None, "patient", "professional"])
@pytest.mark.parametrize("made", [approved_article, submitted_article], ids=["approved", "pending"])
def test_the_framed_page_is_the_fully_rendered_page(client, monkeypatch, policy, made, audience):
    article = made(content=sample_content(title=AWKWARD_TITLE))
    params = {"audience": audience} if audience else {}
    framed, full = both_ways(client, monkeypatch, article.get_absolute_url(), **params)
    assert framed == full
    assert b"Is &lt;b&gt;5 &amp; 10&lt;/b&gt; mg &quot;safe&quot; for a child&#x27;s" in framed


def test_the_frame_follows_the_settings(client, monkeypatch, policy):
    article = approved_article()
    with override_settings(SITE_URL="https://answers.example"):
        framed, full = both_ways(client, monkeypatch, article.get_absolute_url())
    assert framed == full
    assert b'<link rel="canonical" href="https://answers.example/articles/' in framed


def test_a_reader_with_a_session_gets_the_full_render(client, monkeypatch, policy):
    """A session may hold messages to show: the frame is for readers with no cookie."""
    article = approved_article()
    client.cookies["sessionid"] = "not-a-session"
    called = []
    monkeypatch.setattr(page, "_frame", lambda *args, **kwargs: called.append(1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert called == []
