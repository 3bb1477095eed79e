"""The two real seed pages, imported as the importer does it, render with every element."""

import re

import pytest

from tests.public.conftest import import_seed

pytestmark = pytest.mark.django_db

SEEDS = {
    0: {
        "title": "What is baclofen used for?",
        "display": "What is Baclofen Used For?",
        "updated": "February 6, 2026",
        "references": 5,
        "unresolved": [6, 7, 8],
        "numbered": "First-line non-pharmacological:",
    },
    1: {
        "title": "What is the indication for Baclofen (Lioresal)?",
        "display": "Baclofen Indications",
        "updated": "August 24, 2025",
        "references": 3,
        "unresolved": [4, 5, 6],
        "numbered": None,
    },
}


@pytest.mark.parametrize("index", sorted(SEEDS))
def test_seed_page_renders_every_element(client, policy, editor, index):
    pytest.importorskip(
        "articles.interchange", reason="the page-text parser is needed to import seeds"
    )
    expected = SEEDS[index]
    article = import_seed(index, by=editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    title = expected["title"]
    assert f'<h1 id="article-title">{title}</h1>' in main
    assert "All articles are reviewed for accuracy by our Medical Advisory Board" in main
    assert "Educational purpose only • Exercise caution as content is pending human review" in main
    assert re.search(
        r'aria-current="step">\s*<span[^>]*>[^<]*</span>\s*<span class="step-label">Submitted', main
    )
    assert (
        f'>{expected["updated"]}</time> <a class="policy-link" href="/editorial-policy/v1/">'
        in main
    )
    assert "Which best describes you?" in main
    assert f'<h2 class="display-heading">{expected["display"]}</h2>' in main
    assert "<h3>Primary FDA-Approved Indications" in main
    assert "<ul>" in main
    if expected["numbered"]:
        assert "<ol>\n<li>" + expected["numbered"] in main
    refs = main[main.index('id="references"') :]
    assert refs.count('class="reference"') == expected["references"]
    for number in expected["unresolved"]:
        assert f'href="#ref-{number}"' not in main
        assert f'{number}<span class="visually-hidden"> (unresolved citation)</span>' in main
    assert (
        "Praxis Medical Insights: Practical Summaries of Clinical Guidelines, 2026" in main
        or index == 1
    )
    assert "Medical Answers assumes no liability" in main and "Dr.Oracle assumes" not in main
    assert "Have a follow-up question?" in main
    assert '<meta name="robots" content="noindex">' in html
