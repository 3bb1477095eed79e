"""The editors' inbox shows which questions were answered, the most asked unanswered first."""

import pytest

from answers.models import FollowUpAnswer
from answers.services import followup_ask
from desk.selectors import followup_list_new
from public.models import FollowUpQuestion

pytestmark = pytest.mark.django_db


def _ask(article, question):
    return followup_ask(article=article, question=question, client="x", audience="professional")[0]


def test_unanswered_questions_come_first_the_most_asked_first(
    paracetamol, django_assert_num_queries
):
    answered = _ask(paracetamol, "How many hours between doses?")
    once = _ask(paracetamol, "Is paracetamol safe in pregnancy?")
    twice = _ask(paracetamol, "Does paracetamol interact with warfarin?")
    _ask(paracetamol, "paracetamol interacts with warfarin, does it?")
    with django_assert_num_queries(1):  # the questions, their article and answer, the counts
        rows = list(followup_list_new())
    assert [r.pk for r in rows][0] == twice.pk
    assert [r.asked for r in rows][:2] == [2, 2]
    assert rows[2].pk == once.pk and rows[2].asked == 1
    assert rows[-1].pk == answered.pk and rows[-1].was_answered
    # A question handled is no longer counted among the new.
    FollowUpQuestion.objects.filter(pk=twice.pk).update(status=FollowUpQuestion.Status.DISMISSED)
    assert [r.asked for r in followup_list_new()][0] == 1


def test_a_question_from_before_answers_counts_as_unanswered(paracetamol):
    old = FollowUpQuestion.objects.create(article=paracetamol, question="Old one?")
    _ask(paracetamol, "How many hours between doses?")
    rows = list(followup_list_new())
    assert rows[0].pk == old.pk and not rows[0].was_answered


def test_the_dashboard_shows_answered_unanswered_and_the_closest_claims(
    client, editor, paracetamol
):
    _ask(paracetamol, "How many hours between doses?")
    _ask(paracetamol, "Can paracetamol cure migraine in pregnancy?")
    client.force_login(editor)
    html = client.get("/desk/").content.decode()
    assert html.index("No reviewed answer yet") < html.index("Answered from reviewed claims")
    assert "Closest reviewed claims" in html
    assert (
        FollowUpAnswer.objects.filter(answered=False).get().closest[0]["slug"] == paracetamol.slug
    )


def test_one_click_still_starts_a_draft_from_a_question(client, editor, paracetamol):
    question = _ask(paracetamol, "Can paracetamol cure migraine in pregnancy?")
    client.force_login(editor)
    response = client.post(f"/desk/questions/{question.pk}/convert/")
    question.refresh_from_db()
    assert response.status_code == 302 and question.status == FollowUpQuestion.Status.CONVERTED
    assert question.converted_article.title == "Can paracetamol cure migraine in pregnancy?"
