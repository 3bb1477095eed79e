"""Property: an answer quotes only approved claims, word for word, whatever the content and
the question; a pending revision's text never appears."""

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answers.selectors import answer_get
from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.selectors import article_get_content
from tests.factories import approved_article, make_editor, make_policy, make_reviewer

pytestmark = pytest.mark.django_db

VOCABULARY = [
    "baclofen", "dose", "doses", "tablet", "liver", "kidney", "spasticity", "pain", "daily",
    "children", "elderly", "withdrawal", "seizures", "pregnancy", "hours", "stop", "taking",
    "paracetamol", "ibuprofen", "renal", "sedation", "chest", "overdose", "muscle", "relaxant",
]  # fmt: skip
sentence = st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=9).map(
    lambda words: " ".join(words).capitalize() + "."
)
claims = st.lists(st.tuples(sentence, st.one_of(st.just(""), sentence)), min_size=1, max_size=5)
questions = st.one_of(
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6).map(" ".join),
    st.text(max_size=80),
)
REF = ReferenceData(kind=ReferenceKind.GUIDELINE, title="A guideline", source="NICE", year=2024)


def _content(title, pairs) -> ArticleContent:
    return ArticleContent(
        title=title,
        claims=(
            ClaimData(kind=ClaimKind.HEADING, text="Section"),
            *(
                ClaimData(kind=ClaimKind.PARAGRAPH, text=text, plain_text=plain, citations=(1,))
                for text, plain in pairs
            ),
        ),
        references=(REF,),
    )


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(approved=claims, pending=claims, asked=st.lists(questions, min_size=1, max_size=4))
def test_answers_quote_only_approved_claims(django_db_blocker, approved, pending, asked):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        make_policy()
        editor, reviewer = make_editor("p-editor"), make_reviewer("p-reviewer")
        article = approved_article(
            by=editor, reviewer=reviewer, content=_content("Q one?", approved)
        )
        # A revision in progress with other words: readers still see the approved version.
        services.article_revise(article=article, by=editor)
        current = article_get_content(article=article)
        revised = tuple(
            dataclasses.replace(c, text=f"Pending {t}", plain_text=p)
            for c, (t, p) in zip(current.claims[1:], pending, strict=False)
        )
        services.article_replace_content(
            article=article,
            by=editor,
            expected_version=article.content_version,
            content=dataclasses.replace(current, claims=(current.claims[0], *revised)),
        )
        services.article_submit(article=article, by=editor, summary="Reworded.")
        wordings = {
            "professional": {text for text, _ in approved},
            "patient": {plain or text for text, plain in approved},
        }
        for question in asked:
            for audience, allowed in wordings.items():
                answer = answer_get(question=question, audience=audience)
                for match in (*answer.shown, *answer.closest):
                    assert match.entry.text in allowed
                    assert not match.entry.text.startswith("Pending")
                    assert match.entry.question == "Q one?"
                    assert [c["title"] for c in match.entry.citations] == ["A guideline"]
                if answer.shown:
                    assert all(m.score >= 0.6 for m in answer.shown)
        transaction.set_rollback(True)
