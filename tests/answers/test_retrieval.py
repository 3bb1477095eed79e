"""Which reviewed claims answer a question: scored alike on both databases, with a threshold."""

import pytest

from answers.models import EmergencyTerm
from answers.selectors import MAX_SHOWN, answer_get, claim_list_matching, is_urgent
from public.models import SiteText

pytestmark = pytest.mark.django_db

INTERVAL = "Leave at least 4 hours between doses."


def shown(question, audience="professional"):
    return [m.entry.text for m in answer_get(question=question, audience=audience).shown]


def test_a_question_gets_the_claims_that_answer_it_best_first(paracetamol):
    texts = shown("How many hours should I leave between doses?")
    assert texts[0] == INTERVAL
    assert len(texts) <= MAX_SHOWN


def test_the_patient_reads_the_plain_wording(paracetamol):
    texts = shown("How many paracetamol tablets can an adult take in a day?", audience="patient")
    assert texts[0] == "Take 1 or 2 tablets at a time, no more than 4 times a day."


def test_a_misspelt_word_is_read_as_the_indexed_one(paracetamol):
    assert shown("paracetmol liver problems")[0] == (
        "Adults with liver problems may need a lower dose of paracetamol."
    )


def test_below_the_threshold_there_is_no_answer_but_the_closest_are_kept(paracetamol):
    answer = answer_get(question="Can paracetamol cure migraine in pregnancy?", audience="patient")
    assert not answer.answered and answer.shown == ()
    assert answer.closest and all(m.score < 0.6 for m in answer.closest)


def test_the_threshold_is_a_setting(paracetamol, settings):
    question = "Can paracetamol cure migraine in pregnancy?"
    settings.ANSWERS_MIN_SCORE = 0.1
    assert answer_get(question=question, audience="professional").answered


def test_words_nobody_wrote_find_nothing(paracetamol):
    assert claim_list_matching(question="zebrafish telomeres", audience="professional") == []
    assert claim_list_matching(question="what is it?", audience="professional") == []


@pytest.mark.parametrize(
    "question",
    [
        "I have crushing CHEST PAIN after my tablets",
        "my son took too many paracetamol",
        "I feel suicidal",
        "I think I've overdosed",
    ],
)
def test_emergency_questions_are_noticed(paracetamol, question):
    answer = answer_get(question=question, audience="patient")
    assert answer.urgent and answer.urgent_notice
    assert "emergency" in answer.urgent_notice[0]


@pytest.mark.parametrize("question", ["Is baclofen used after a stroke?", "How painful is it?"])
def test_ordinary_questions_are_not_emergencies(db, question):
    assert not is_urgent(question)


def test_editors_keep_the_emergency_list_and_the_notice(paracetamol):
    EmergencyTerm.objects.create(phrase="blue lips")
    SiteText.objects.create(key="answers-urgent-care", text="Call 999 now.\n\nThen wait.")
    answer = answer_get(question="My child has blue lips", audience="patient")
    assert answer.urgent and answer.urgent_notice == ["Call 999 now.", "Then wait."]
    EmergencyTerm.objects.filter(phrase="blue lips").update(active=False)
    assert not is_urgent("My child has blue lips")


def test_every_answer_carries_the_audience_disclaimer(paracetamol):
    patient = answer_get(question="dose", audience="patient")
    professional = answer_get(question="dose", audience="professional")
    assert patient.disclaimer[0].startswith(SiteText.DEFAULTS["disclaimer-patient"][:40])
    assert professional.disclaimer[0].startswith(SiteText.DEFAULTS["disclaimer"][:40])


def test_an_answer_costs_four_queries_whatever_the_index_holds(
    paracetamol, django_assert_num_queries
):
    # Emergency list + site texts (urgent notice and disclaimer) + words (spelling)
    # + candidate claims with their article = 4.
    with django_assert_num_queries(4):
        answer_get(question="How many hours between paracetmol doses?", audience="patient")
    # No word worth searching: the notices only.
    with django_assert_num_queries(2):
        answer_get(question="What is it?", audience="patient")
