"""The follow-up form's bot trap is out of sight, out of the tab order and out of the
accessibility tree: screen-reader users never meet a field they must leave empty."""

from html.parser import HTMLParser

import pytest

from tests.factories import approved_article

pytestmark = pytest.mark.django_db


class TrapFinder(HTMLParser):
    """The honeypot input and its label, with the aria-hidden state of their ancestors."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict[str, str | None]] = []
        self.found: dict[str, tuple[dict, bool]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = any(a.get("aria-hidden") == "true" for a in self.stack) or (
            attrs.get("aria-hidden") == "true"
        )
        if tag == "input" and attrs.get("name") == "website":
            self.found["input"] = (attrs, hidden)
        if tag == "label" and attrs.get("for") == "id_website":
            self.found["label"] = (attrs, hidden)
        if tag not in ("input", "br", "img", "meta", "link"):
            self.stack.append(attrs)

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "img", "meta", "link") and self.stack:
            self.stack.pop()


def test_the_honeypot_is_hidden_from_everyone_but_bots(client, policy):
    page = client.get(approved_article().get_absolute_url()).content.decode()
    finder = TrapFinder()
    finder.feed(page)
    attrs, input_hidden = finder.found["input"]
    _, label_hidden = finder.found["label"]
    assert input_hidden and label_hidden
    assert attrs["tabindex"] == "-1" and attrs["autocomplete"] == "off"
    assert attrs["id"] == "id_website" and attrs["type"] == "text"
    # The question itself stays in reach.
    assert 'aria-hidden="true"' not in page.split('id="id_question"')[0].rsplit("<form", 1)[1]
