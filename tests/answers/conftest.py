import pytest

from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from tests.factories import approved_article, make_policy

H, P, B = ClaimKind.HEADING, ClaimKind.PARAGRAPH, ClaimKind.BULLET

LABEL = ReferenceData(
    kind=ReferenceKind.DRUG_LABEL,
    title="Paracetamol tablets: product label",
    source="EMC",
    year=2022,
)
NHS = ReferenceData(
    kind=ReferenceKind.GUIDELINE, title="Paracetamol for adults", source="NHS", year=2023
)

# What the board approves in these tests: a heading, then facts in both wordings.
PARACETAMOL = ArticleContent(
    title="How much paracetamol can an adult take in a day?",
    display_heading="Paracetamol dosing for adults",
    claims=(
        ClaimData(kind=H, text="Usual dose", plain_text="How much to take"),
        ClaimData(
            kind=P,
            text="The usual adult dose is one or two 500 mg tablets up to four times in 24 hours.",
            plain_text="Take 1 or 2 tablets at a time, no more than 4 times a day.",
            citations=(1, 2),
        ),
        ClaimData(kind=B, text="Leave at least 4 hours between doses.", citations=(1,)),
        ClaimData(
            kind=B,
            text="Adults with liver problems may need a lower dose of paracetamol.",
            citations=(2,),
        ),
    ),
    references=(NHS, LABEL),
)


@pytest.fixture
def policy(db):
    return make_policy()


@pytest.fixture
def paracetamol(policy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return approved_article(content=PARACETAMOL)
