"""After a purge the purger has the edge fetch the pages it removed that have one address,
so that their next reader finds them fresh at the edge; the warmer fills an empty edge from
the sitemap. Both ask as anonymous readers, under the site's own host name."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.urls import reverse

from articles import events
from public import purge, warm
from public.models import EdgePurge
from tests.factories import approved_article

pytestmark = pytest.mark.django_db


class Edge(ThreadingHTTPServer):
    """An edge node that takes purges and records every request: method, path, headers."""

    def __init__(self):
        self.received: list[tuple[str, str, dict]] = []
        self.kept: set[str] = set()
        self.dropping_gets = False
        self.recent_searches = ""
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    def _answer(self):
        edge: Edge = self.server
        edge.received.append((self.command, self.path, dict(self.headers)))
        if self.path == purge.RECENT_SEARCHES:
            body = edge.recent_searches.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.command == "GET" and edge.dropping_gets:
            self.close_connection = True  # hangs up without an answer
            return
        hit = self.command == "GET" and self.path in edge.kept
        edge.kept.add(self.path)
        self.send_response(200)
        self.send_header("X-Cache", "HIT" if hit else "MISS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_GET = _answer  # noqa: N815 - the methods' names

    def log_message(self, *args):
        pass


@pytest.fixture
def edge(settings):
    server = Edge()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CDN_PURGE_URLS = [server.url]
    settings.SITE_URL = "https://answers.example.org"
    yield server
    server.shutdown()


@pytest.fixture
def sent_later(monkeypatch):
    """The committing process's own sending, left out: the worker's is the one tested."""
    monkeypatch.setattr(purge, "send_soon", lambda keys, purge_id=None: None)


def test_the_pages_with_one_address_are_refreshed_most_read_first(db):
    keys = "article:7 board feed listing:home policy search site-text sitemap"
    approved = approved_article(title="Is its page refreshed after a purge?")
    named = f"{keys} article:{approved.pk}"
    assert purge.refresh_paths(named) == [
        "/",
        approved.get_absolute_url(),  # article 7 does not exist: no address
        reverse("public:board"),
        reverse("public:policy"),
        reverse("public:feed"),
        reverse("public:sitemap"),
    ]
    # A search has no one address, nor do the pages naming the policy or the site text.
    assert purge.refresh_paths("search site-text site") == []


def test_a_purge_naming_many_articles_refreshes_a_bounded_number(db, monkeypatch):
    monkeypatch.setattr(purge, "REFRESH_MAX", 2)
    articles = [approved_article(title=f"Is article {n} refreshed?") for n in range(3)]
    keys = " ".join(f"article:{article.pk}" for article in articles)
    assert len(purge.refresh_paths(keys + " listing:home")) == 2


def test_the_worker_purges_then_has_the_edge_fetch_the_pages_afresh(policy, edge, sent_later):
    article = approved_article(title="Is the purged page fetched again at once?")
    edge.received.clear()
    with transaction.atomic():
        events.announce(events.article_key(article.pk))
    queued = EdgePurge.objects.get()
    edge.recent_searches = "/search/?q=dose /search/?q=pump /search/?q=dose /articles/x/ junk"
    assert purge.purge_send(purge_id=queued.pk) == "sent"
    methods = [(method, path) for method, path, _ in edge.received]
    # First the hard purge, then what readers searched for last, then the refreshes.
    assert methods[:2] == [("PURGE", "/"), ("GET", purge.RECENT_SEARCHES)]
    refreshed = purge.refresh_paths(queued.keys)
    # The searches readers asked for (the most asked first; searches only) after the home
    # page and the article, before the less read pages; a few at a time.
    searches = ["/search/?q=dose", "/search/?q=pump"]
    assert refreshed[:2] == ["/", article.get_absolute_url()]
    assert sorted(methods[2:]) == sorted(("GET", path) for path in refreshed + searches)
    assert ("GET", reverse("public:feed")) in methods
    for _, _, headers in edge.received[2:]:
        assert headers[purge.REFRESH_HEADER] == "1"
        assert headers["Host"] == "answers.example.org"
        assert "Cookie" not in headers


def test_a_refresh_that_fails_is_not_a_failed_purge(policy, edge, sent_later):
    article = approved_article(title="Is a failed refresh harmless?")
    with transaction.atomic():
        events.announce(events.article_key(article.pk))
    edge.received.clear()
    edge.dropping_gets = True
    assert purge.purge_send(purge_id=EdgePurge.objects.get().pk) == "sent"
    purged = EdgePurge.objects.get()
    assert (purged.status, purged.failures) == ("sent", 0)
    # The refreshes under way met the failure; the rest are left to their readers.
    assert [path for _, path, _ in edge.received][:2] == ["/", purge.RECENT_SEARCHES]
    assert 3 <= len(edge.received) <= 2 + purge.REFRESH_AT_ONCE


def test_the_warmer_asks_for_every_page_of_the_sitemap_once(policy, edge):
    articles = [approved_article(title=f"Is page {n} warmed?") for n in range(3)]
    paths = warm.warm_paths()
    assert paths[0] == "/"
    assert {article.get_absolute_url() for article in articles} <= set(paths)
    assert {reverse("public:policy"), reverse("public:board"), reverse("public:feed")} <= set(paths)
    assert len(paths) == len(set(paths))

    first = warm.edge_warm(paths=paths, threads=2)
    assert first == {"MISS": len(paths)}
    again = warm.edge_warm(paths=paths, threads=2)
    assert again == {"HIT": len(paths)}  # kept already: nothing fetched from the origin
    assert all(purge.REFRESH_HEADER not in headers for _, _, headers in edge.received)


def test_a_first_sending_every_endpoint_took_is_the_purge(policy, edge, sent_later):
    article = approved_article(title="Is one sending enough?")
    with transaction.atomic():
        events.announce(events.article_key(article.pk))
    queued = EdgePurge.objects.get()
    edge.received.clear()
    purge.send_at_once(queued.keys, purge_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.sent_at is not None
    # The worker's task finds it sent: nothing is sent twice.
    assert purge.purge_send(purge_id=queued.pk) == "skipped"
    assert [method for method, _, _ in edge.received].count("PURGE") == 1


def test_a_first_sending_an_endpoint_refused_leaves_the_purge_to_the_worker(
    policy, settings, edge, sent_later
):
    article = approved_article(title="Is a refused first sending sent again?")
    with transaction.atomic():
        events.announce(events.article_key(article.pk))
    queued = EdgePurge.objects.get()
    settings.CDN_PURGE_URLS = [edge.url, "http://127.0.0.1:9/"]  # nothing listens there
    purge.send_at_once(queued.keys, purge_id=queued.pk)
    assert EdgePurge.objects.get().status == "queued"


def test_refreshes_go_most_read_first(monkeypatch):
    asked, feed = [], reverse("public:feed")
    monkeypatch.setattr(purge, "REFRESH_AT_ONCE", 1)
    monkeypatch.setattr(purge, "edge_get", lambda url, path, **kwargs: asked.append(path))
    monkeypatch.setattr(purge, "refresh_paths", lambda keys: ["/", "/articles/a/", feed])
    monkeypatch.setattr(purge, "recent_searches", lambda url: ["/search/?q=a"])
    purge._refresh_everywhere(["http://edge/"], "listing:home search feed article:1")
    assert asked == ["/", "/articles/a/", "/search/?q=a", feed]
