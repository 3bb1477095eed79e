"""The desk's one error mapping reads each error's parts, never its text.

A refused step's lead and reasons come as they were given, whatever punctuation
they hold; form errors go beside the field they name. No door's mapping takes an
error's text apart (checked in the source of each).
"""

import ast
import inspect
import json

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import ConcurrentTransition

from api import errors as api_errors
from articles import admin as articles_admin
from articles.errors import MOVED_AT_ONCE, ConditionsNotMet, EditConflict
from desk import errors as desk_errors
from desk.errors import add_form_errors, error_messages, error_status, render_error

# A lead and reasons with colons in them: splitting the text would cut them wrongly.
LEAD = "Note: you cannot submit this article yet"
REASONS = ["Claim 2: it cites nothing.", "Reference 3: “Trial: 2019” has no year."]


def test_a_refused_step_is_its_lead_then_each_reason():
    refused = ConditionsNotMet(LEAD, reasons=REASONS)
    assert error_messages(refused) == [f"{LEAD}:", *REASONS]
    assert error_status(refused) == 409


def test_scripts_get_the_same_sentences(rf, editor):
    request = rf.post("/desk/", HTTP_X_REQUESTED_WITH="fetch")
    request.user = editor
    response = render_error(request, ConditionsNotMet(LEAD, reasons=REASONS))
    assert response.status_code == 409
    assert json.loads(response.content) == {"errors": [f"{LEAD}:", *REASONS]}


@pytest.mark.parametrize(
    ("error", "status", "messages"),
    [
        (PermissionDenied("Only editors write articles."), 403, ["Only editors write articles."]),
        (PermissionDenied(), 403, ["You may not do this."]),
        (ConcurrentTransition("Cannot save: state changed"), 409, [MOVED_AT_ONCE]),
        (
            EditConflict("Someone saved it first.", current_version=3),
            409,
            ["Someone saved it first."],
        ),
        (
            ValidationError({"title": "Give the reader's question."}),
            400,
            ["Give the reader's question."],
        ),
    ],
)
def test_each_error_has_its_status_and_sentences(error, status, messages):
    assert error_status(error) == status
    assert error_messages(error) == messages


class ArticleForm(forms.Form):
    title = forms.CharField(required=False)


def test_form_errors_go_beside_their_field():
    form = ArticleForm(data={})
    assert form.is_valid()
    add_form_errors(form, ValidationError({"title": "Give the question.", "body": "Write."}))
    assert form.errors == {"title": ["Give the question."], "__all__": ["Write."]}


def test_a_refusal_without_a_field_goes_above_the_form():
    form = ArticleForm(data={})
    assert form.is_valid()
    add_form_errors(form, ConditionsNotMet(LEAD, reasons=REASONS))
    assert form.non_field_errors() == [f"{LEAD}:", *REASONS]


ERROR_NAMES = {"error", "exc", "refusal", "raised"}


def _reads_error_text(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "str":
            if any(isinstance(arg, ast.Name) and arg.id in ERROR_NAMES for arg in node.args):
                found.append(ast.unparse(node))
        if isinstance(func, ast.Attribute) and func.attr in {"split", "partition", "rsplit"}:
            # Cutting up an error, or anything made of one ("str(error).split(':')").
            names = {n.id for n in ast.walk(func.value) if isinstance(n, ast.Name)}
            if names & (ERROR_NAMES | {"str"}):
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize(
    "door",
    [desk_errors, api_errors, articles_admin.error_text],
    ids=["desk", "api", "admin"],
)
def test_no_door_reads_an_errors_text(door):
    assert _reads_error_text(inspect.getsource(door)) == []
