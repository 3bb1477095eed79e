"""One error hierarchy: every refusal has a stable code, words, and one answer per door.

The desk and the API answer each class with one HTTP status (the status of its
kind); the admin with its one-line message. Framework errors the rules raise
(Django's, django-fsm's, the parsers') are described in the same terms.
"""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from api.errors import PROBLEM_JSON, PROBLEM_TYPES, exception_handler
from articles.admin import error_text
from articles.content import ContentError, ContentParseError
from articles.errors import (
    MOVED_AT_ONCE,
    REFUSALS,
    STATUS_OF_KIND,
    ArticleGone,
    ArticleNotShown,
    ConditionsNotMet,
    ContentLocked,
    EditConflict,
    EditorialError,
    Fault,
    InvalidDocument,
    InvalidInput,
    Kind,
    NotAllowed,
    StepRefused,
    WorkflowConflict,
    as_editorial_error,
    every_error_class,
)
from desk.errors import error_messages, error_status, render_error

# One example of each class, as the rules raise it.
EXAMPLES = {
    InvalidInput: lambda: InvalidInput([Fault("Give the reader's question.", field="title")]),
    InvalidDocument: lambda: InvalidDocument([Fault("Claim 2 is empty.", line=4)]),
    NotAllowed: lambda: NotAllowed("Only editors write articles."),
    ArticleNotShown: ArticleNotShown,
    ArticleGone: ArticleGone,
    WorkflowConflict: lambda: WorkflowConflict("Someone has already handled this question."),
    ContentLocked: lambda: ContentLocked(
        "The article is approved; its content changes only in draft."
    ),
    EditConflict: lambda: EditConflict("Someone saved it.", current_version=4, changes=["title"]),
    StepRefused: lambda: StepRefused("You cannot approve this article while it is a draft."),
    ConditionsNotMet: lambda: ConditionsNotMet(
        "You cannot submit this article yet", reasons=["Claim 2 cites nothing."]
    ),
}

EXPECTED_STATUS = {
    InvalidInput: 400,
    InvalidDocument: 400,
    NotAllowed: 403,
    ArticleNotShown: 404,
    ArticleGone: 410,
    WorkflowConflict: 409,
    ContentLocked: 409,
    EditConflict: 409,
    StepRefused: 409,
    ConditionsNotMet: 409,
}


def test_every_class_is_listed_here():
    assert set(every_error_class()) == set(EXAMPLES) == set(EXPECTED_STATUS)


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda cls: cls.__name__)
def test_every_class_has_a_code_a_title_a_message_and_a_kind(cls):
    error = EXAMPLES[cls]()
    assert isinstance(error, EditorialError)
    assert cls.code and cls.code == cls.code.lower() and " " not in cls.code
    assert cls.title and cls.default_message.endswith(".")
    assert error.kind in Kind and error.message and error.messages
    assert all(isinstance(message, str) and message for message in error.messages)
    assert PROBLEM_TYPES[cls.code].title == cls.title


def test_codes_are_unique():
    codes = [cls.code for cls in every_error_class()]
    assert len(codes) == len(set(codes))


def _api_answer(error):
    request = RequestFactory().get("/api/articles/")
    return exception_handler(error, {"request": request})


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda cls: cls.__name__)
def test_each_class_maps_to_one_status_per_door(cls):
    # Several occurrences of the class, with different words: the status never depends on them.
    answers = set()
    for _ in range(2):
        error = EXAMPLES[cls]()
        response = _api_answer(error)
        assert response.content_type == PROBLEM_JSON  # rendered by the API with this type
        assert response.data["code"] == cls.code and response.data["status"] == response.status_code
        answers.add(("desk", error_status(error)))
        answers.add(("api", response.status_code))
        assert isinstance(error_text(error), str) and error_text(error) == error.message
    assert answers == {("desk", EXPECTED_STATUS[cls]), ("api", EXPECTED_STATUS[cls])}
    assert STATUS_OF_KIND[cls.kind] == EXPECTED_STATUS[cls]


def test_the_refusals_of_the_rules_keep_their_framework_meaning():
    # Code that catches the framework's errors still catches ours.
    assert isinstance(NotAllowed(), PermissionDenied)
    assert isinstance(
        ConditionsNotMet("You cannot submit it yet", reasons=[]), TransitionNotAllowed
    )
    assert isinstance(EditConflict(current_version=1), WorkflowConflict)
    for cls in every_error_class():
        assert issubclass(cls, REFUSALS)


FRAMEWORK = [
    (PermissionDenied("Only editors write articles."), NotAllowed, 403),
    (PermissionDenied(), NotAllowed, 403),
    (ValidationError({"title": "Give the reader's question."}), InvalidInput, 400),
    (ValidationError("Headings state no fact."), InvalidInput, 400),
    (TransitionNotAllowed("The article is retracted; its threads are closed."), StepRefused, 409),
    (ConcurrentTransition("state changed"), WorkflowConflict, 409),
    (ContentParseError([ContentError("Claim 2 is empty.", line=4)]), InvalidDocument, 400),
]


@pytest.mark.parametrize(("raised", "described_as", "status"), FRAMEWORK)
def test_framework_errors_are_described_in_the_same_terms(raised, described_as, status):
    described = as_editorial_error(raised)
    assert type(described) is described_as
    assert error_status(raised) == status == _api_answer(raised).status_code
    assert error_text(raised) == described.message


def test_framework_errors_keep_their_words():
    assert as_editorial_error(PermissionDenied("Only editors.")).message == "Only editors."
    assert as_editorial_error(PermissionDenied()).message == "You may not do this."
    moved = as_editorial_error(ConcurrentTransition("Cannot save object! The state has changed."))
    assert moved.message == MOVED_AT_ONCE  # the desk's words, not the library's
    invalid = as_editorial_error(ValidationError({"title": "Give the question.", "body": "Write."}))
    assert [(f.field, f.message) for f in invalid.faults] == [
        ("title", "Give the question."),
        ("body", "Write."),
    ]
    assert invalid.message == "Give the question.; Write."


def test_anything_else_is_not_a_refusal():
    assert as_editorial_error(ValueError("a bug")) is None
    assert as_editorial_error(KeyError("a bug")) is None


def test_a_refused_step_carries_its_lead_and_reasons_apart():
    error = ConditionsNotMet(
        "You cannot submit this article yet",
        reasons=["Claim 2 cites nothing.", "Claim 3: the reference has no title."],
    )
    assert error.lead == "You cannot submit this article yet"
    assert error.reasons == ["Claim 2 cites nothing.", "Claim 3: the reference has no title."]
    assert error.message == (
        "You cannot submit this article yet: Claim 2 cites nothing. "
        "Claim 3: the reference has no title."
    )
    assert error.details == {"reasons": error.reasons}


def test_the_admin_says_each_refusal_in_one_line(rf, site_admin):
    request = rf.post("/admin/")
    request.user, request.session = site_admin, {}
    request._messages = FallbackStorage(request)
    refusal = ConditionsNotMet("You cannot approve this article yet", reasons=["A.", "B."])
    assert error_text(refusal) == "You cannot approve this article yet: A. B."
    assert error_text(ValidationError({"title": "X.", "body": "Y."})) == "X.; Y."


def test_the_desk_error_page_uses_the_status_of_the_kind(rf, editor):
    request = rf.get("/desk/")
    request.user = editor
    response = render_error(request, ArticleGone())
    assert response.status_code == 410
    assert "This article was retracted and is no longer published." in response.content.decode()
    assert error_messages(ArticleGone()) == [ArticleGone.default_message]
