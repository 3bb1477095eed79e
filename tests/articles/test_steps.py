"""Each workflow step is one record (``articles.steps``), complete, and the only place it is named.

The records agree with the state graph (``articles.workflow``): every transition has a
record and every record a transition, the graph carries no permissions and no conditions
(the records ask the policy and ``articles.readiness``), and the graph, the models and
the policy import none of the layers above them. Outside the records, no code names a step by a string literal and no template
compares a step name.
"""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from articles import readiness, services, steps
from articles.models import Article
from articles.states import ArticleState
from articles.workflow import ArticleWorkflow

ROOT = Path(__file__).resolve().parents[2]
TRANSITIONS = {t.name: t for t in Article().get_all_state_transitions()}
STEP_IDS = [step.name for step in steps.STEPS]


def test_every_transition_has_one_record_and_every_record_a_transition():
    assert [step.name for step in steps.STEPS] == list(dict.fromkeys(STEP_IDS))  # no twice
    assert set(STEP_IDS) == {t.name for t in Article().get_all_state_transitions()}


def test_the_graph_holds_no_permissions():
    # Who may take a step is the record's question (``Step.permitted``), asked of the policy:
    # a permission in the graph would bring the policy (and the board's rules) under the models.
    for name in STEP_IDS:
        for transition in getattr(ArticleWorkflow, name)._django_fsm.transitions.values():
            assert transition.permission is None, name


def test_the_graph_holds_no_conditions():
    # What the article must be like is the record's question too (``Step.conditions``): the
    # conditions read the sign-off rule and the retraction screen, which sit above the models.
    for name in STEP_IDS:
        for transition in getattr(ArticleWorkflow, name)._django_fsm.transitions.values():
            assert transition.conditions == [], name


def test_the_records_hold_the_conditions_in_the_order_they_are_told():
    submit = [
        readiness.has_title,
        readiness.has_claims,
        readiness.every_fact_claim_is_cited,
        readiness.has_no_unresolved_citation,
    ]
    assert {step.name: list(step.conditions) for step in steps.STEPS if step.conditions} == {
        "submit": submit,
        # An import keeps its uncited claims and unresolved citations; approval asks for them.
        "receive_import": [readiness.has_title, readiness.has_claims],
        "approve": [
            *submit,
            readiness.every_claim_is_verified,
            readiness.has_no_unjustified_retracted_citation,
        ],
    }
    for step in steps.STEPS:
        for condition in step.conditions:
            assert condition.message.endswith(".") and condition.message[0].isupper(), condition


@pytest.mark.parametrize("step", steps.STEPS, ids=STEP_IDS)
def test_each_record_is_complete(step):
    assert type(step).permitted is not steps.Step.permitted, "who may take it"
    for words in (step.label, step.done, step.reason):
        assert words and words == words.strip() and words[0].isupper()
    # Refusals read as sentences: "You may not <phrase>." and "You cannot <phrase> ...".
    assert "_" not in step.phrase and "this article" in step.phrase
    assert step.done.endswith(".") and not step.reason.endswith(".")
    assert set(step.inputs) <= set(steps.INPUTS)
    assert step.doors <= set(steps.DOORS)
    assert step.style in ("", "primary", "danger")
    if step.comment_required:
        assert step.takes_comment
    if step.names_content:
        assert steps.EXPECTED_HASH in step.inputs
    if steps.DESK in step.doors:
        assert reverse(step.desk_next, kwargs={"pk": 1})
        assert reverse("desk:transition", kwargs={"pk": 1, "name": step.name})


@pytest.mark.parametrize("step", steps.STEPS, ids=STEP_IDS)
def test_each_record_is_carried_out_by_its_service(step):
    assert step.service is getattr(services, f"article_{step.name}")


@pytest.mark.parametrize("step", steps.STEPS, ids=STEP_IDS)
def test_each_record_reads_its_edge_from_the_graph(step):
    transition = TRANSITIONS[step.name]
    assert transition.source in step.sources
    assert step.target == transition.target
    assert set(step.sources) <= set(ArticleState.values)


def test_the_kinds_of_step_agree_with_the_graph():
    # Entering the review queue is arriving in "submitted"; a round of review ends when the
    # article leaves "under review" for good or bad.
    for step in steps.STEPS:
        assert step.enters_queue == (step.target == ArticleState.SUBMITTED), step
        if step.ends_round:
            assert step.sources == (ArticleState.UNDER_REVIEW,), step
        if step.signs_off:
            assert step.board_review, step
    assert {s.name for s in steps.STEPS if s.ends_round} == {"request_changes", "approve"}
    assert set(steps.ENDS_ROUND) == {"request_changes", "approve"}


def test_the_board_review_steps_are_one_list():
    # They were two lists that disagreed: the refusal named the board's reason for three
    # steps, the desk explained it for two. Both now read ``board_review``.
    assert {s.name for s in steps.BOARD_REVIEW_STEPS} == {
        "start_review",
        "request_changes",
        "approve",
    }


def test_the_desk_explains_one_step_in_each_state_it_explains():
    explained = [s for s in steps.STEPS if s.not_ready]
    sources = [source for s in explained for source in s.sources]
    assert len(sources) == len(set(sources))
    assert {s.name: s.sources for s in explained} == {
        "submit": (ArticleState.DRAFT,),
        "start_review": (ArticleState.SUBMITTED,),
        "approve": (ArticleState.UNDER_REVIEW,),
    }
    for step in explained:
        assert step.not_ready.startswith("Not ready to ") and step.not_ready.endswith(":")


def test_the_public_stepper_follows_the_steps():
    assert steps.stages() == [
        (ArticleState.SUBMITTED, "Submitted"),
        (ArticleState.UNDER_REVIEW, "Under Review"),
        (ArticleState.APPROVED, "Approved"),
    ]


def test_a_step_is_found_by_name_only_at_the_doors_that_offer_it():
    assert steps.named("approve") is steps.APPROVE
    assert steps.named("approve_partial") is None
    assert steps.get("submit", door=steps.API) is steps.SUBMIT
    assert steps.get("approve", door=steps.API) is None
    assert steps.get("receive_import", door=steps.DESK) is None
    assert [s.name for s in steps.for_door(steps.API)] == ["submit"]


# -- The layers --------------------------------------------------------------------------

# The state graph and the models sit below every rule: the conditions (``articles.readiness``,
# which asks the sign-off rule for whose verdicts count), who may do what, the board's and the
# screening's rules, the steps and the services. Nothing they import, at the top of a module
# or inside a function, reaches further up.
RULES = (
    "articles.readiness",
    "articles.policy",
    "articles.steps",
    "articles.services",
    "board.rules",
    "screening.rules",
)
LAYERS = {
    "articles/states.py": RULES,
    "articles/workflow.py": RULES,
    "articles/models": RULES,
}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize(("where", "above"), LAYERS.items(), ids=list(LAYERS))
def test_the_graph_and_the_models_import_nothing_above_them(where, above):
    paths = [ROOT / where] if where.endswith(".py") else sorted((ROOT / where).rglob("*.py"))
    for path in paths:
        for module in imported_modules(path):
            assert not module.startswith(above), f"{path.relative_to(ROOT)} imports {module}"


def test_the_policy_names_no_step():
    for module in imported_modules(ROOT / "articles/policy.py"):
        assert not module.startswith(
            ("articles.steps", "articles.workflow", "articles.readiness")
        ), module


# -- No step is named by a string outside its record -------------------------------------

STEP_NAMES = {step.name for step in steps.STEPS} | {steps.APPROVE.partial_name}
# Where the project's code lives; tests are left out (they name steps on purpose, as specs).
CODE = [
    "accounts",
    "api",
    "articles",
    "board",
    "desk",
    "editorial",
    "notifications",
    "outbox",
    "public",
    "screening",
]
ALLOWED = {
    # The records themselves.
    "articles/steps",
    # Migrations replay history: the rows they read and write were named then, and a
    # migration must not change when the records do.
    "migrations",
}


def _allowed(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return any(part in relative for part in ALLOWED)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            found.add(id(body[0].value))
    return found


def step_literals(source: str) -> list[tuple[int, str]]:
    """Every string literal in ``source`` that is a step's name, docstrings aside."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and node.value in STEP_NAMES
        and id(node) not in docstrings
    ]


def python_step_literals() -> list[str]:
    found = []
    for app in CODE:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not _allowed(path):
                found += [
                    f"{path.relative_to(ROOT)}:{line}: {name!r}"
                    for line, name in step_literals(path.read_text())
                ]
    return found


# A quoted step name beside a comparison: {% if x.name == "approve" %}, {% if "submit" in ... %}.
QUOTED = r"[\"']({names})[\"']"
COMPARED = r"(==|!=|\bin\b)\s*{quoted}|{quoted}\s*(==|!=|\bin\b)"


def template_step_comparisons() -> list[str]:
    quoted = QUOTED.format(names="|".join(sorted(STEP_NAMES)))
    pattern = re.compile(COMPARED.format(quoted=quoted))
    found = []
    templates = [ROOT / "templates", *(ROOT / app / "templates" for app in CODE)]
    for folder in templates:
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for match in pattern.finditer(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    return found


def test_no_code_names_a_step_by_a_string():
    assert python_step_literals() == []


def test_no_template_compares_a_step_name():
    assert template_step_comparisons() == []


def test_the_searches_find_what_they_look_for():
    # The two searches above pass by finding nothing: show that they do find a step name.
    source = (
        '"""Approving: "approve" in a docstring is words."""\n'
        'ENDS = ("request_changes", "approve")\n'
        'if article.last_transition == "submit":\n'
        '    rows = ArticleTransition.objects.filter(name="retract")\n'
    )
    assert step_literals(source) == [
        (2, "request_changes"),
        (2, "approve"),
        (3, "submit"),
        (4, "retract"),
    ]
    compared = re.compile(COMPARED.format(quoted=QUOTED.format(names="approve|submit")))
    assert compared.search('{% if round.ended.name == "approve" %}')
    assert compared.search("{% if 'submit' in names %}")
    assert not compared.search('<button type="submit" class="button">Approve</button>')
