"""Who may do what to an article, and what stands in the way: the one place every door asks.

The desk, the API, the admin and the templates ask this module; nothing else
calls ``has_perm``. Roles are Django groups holding permissions, asked of
``articles.roles``; the per-article rules (conflict of interest, who may
withdraw, content that changes only in draft) are the predicates below, which
each workflow step's record (``articles.steps``) names as who may take it.

The board's rules (``board.rules``) are asked here too: a reviewer whose
credentials have all expired, who has not declared whether they have a conflict
of interest with the article, or who declared one, takes no review step.

The actions asked by name here are ``EDIT`` (change the content), ``VERIFY`` (give a
verdict on a claim), ``DECLARE`` (declare a conflict of interest, or none), ``ASSIGN``
(assign reviewers) and the steps of a claim thread (``THREAD_REPLY``,
``THREAD_ADDRESS``, ``THREAD_RESOLVE``, ``THREAD_REOPEN``). A workflow step is asked
of its record, ``articles.steps`` (``step.check``, ``step.can``, ``step.blockers``),
which asks the predicates below: the policy never names a step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django_fsm import TransitionNotAllowed

from articles import roles
from articles.errors import ContentLocked
from articles.states import ArticleState
from board.rules import review_refusal, standings

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from articles.models import Article

EDIT = "edit"
VERIFY = "verify"
# Claim threads (``articles.services.threads``): the editors answer, the board settles.
THREAD_REPLY = "reply_to_thread"
THREAD_ADDRESS = "mark_thread_addressed"
THREAD_RESOLVE = "resolve_thread"
THREAD_REOPEN = "reopen_thread"
THREAD_ACTIONS = (THREAD_REPLY, THREAD_ADDRESS, THREAD_RESOLVE, THREAD_REOPEN)
DECLARE = "declare"  # declare a conflict of interest, or none, with an article
ASSIGN = "assign"  # assign the article to board reviewers with a due date


# -- Roles (``articles.roles``), as the desk names them ---------------------------------


def may_read_reports(user) -> bool:
    """The board reports (workload, turnaround, time in each state) are for editors-in-chief."""
    return roles.is_editor_in_chief(user)


def role_names(user) -> list[str]:
    """The desk roles ``user`` holds, in words, as the desk header names them."""
    held = (
        (roles.is_editor, "Editor"),
        (roles.is_reviewer, "Board reviewer"),
        (roles.is_editor_in_chief, "Editor-in-chief"),
        (roles.is_site_admin, "Site admin"),
    )
    return [name for holds, name in held if holds(user)]


def has_desk_access(user) -> bool:
    """Editors, board reviewers, editors-in-chief and site admins work at the desk."""
    return (
        roles.is_editor(user)
        or roles.is_reviewer(user)
        or roles.is_site_admin(user)
        or roles.is_editor_in_chief(user)
    )


# -- Per-article rules (the workflow's transition permissions) -------------------------


def wrote_this_revision(article: Article, user) -> bool:
    """Drafted or edited the revision now in the workflow."""
    return article.is_contributor(user)


def may_edit(article: Article | None, user: AbstractBaseUser) -> bool:
    return roles.is_editor(user)


def may_withdraw(article: Article, user: AbstractBaseUser) -> bool:
    """Taking a submission back is for the editors who wrote this revision (or a superuser)."""
    return is_editor_of(article, user)


def board_refusal(article: Article, user: AbstractBaseUser) -> str:
    """Why a board reviewer may not review this article now ("" when nothing stands in the way).

    Expired credentials, no conflict-of-interest declaration yet, or a declared
    conflict (recusal): see ``board.rules``.
    """
    # Asked for every step a screen offers: read once per article instance and user.
    # ``board.services`` forgets it when a declaration changes (``forget_board_refusals``).
    if article is None or article.pk is None or not getattr(user, "pk", None):
        return review_refusal(article, user)
    known = article.__dict__.setdefault("_board_refusals", {})
    if user.pk not in known:
        known[user.pk] = review_refusal(article, user)
    return known[user.pk]


def forget_board_refusals(article: Article) -> None:
    article.__dict__.pop("_board_refusals", None)


def may_review(article: Article, user: AbstractBaseUser) -> bool:
    return roles.is_reviewer(user) and not board_refusal(article, user)


# -- The sign-off rule ----------------------------------------------------------------
# A verdict or an approval counts only while its signer may give it: asked when it is
# given (``may_sign_off``) and asked again, of everyone whose sign-off would count,
# when the article is published and its reviewers credited (``sign_off_refusals``).
NOT_A_REVIEWER = "no longer an active board reviewer"
CONTRIBUTOR = "drafted or edited this revision"


def _sign_off_refusal(*, reviewer: bool, contributor: bool, board: str) -> str:
    """The sign-off rule: an active board reviewer, not a contributor to the revision (conflict
    of interest: nobody vouches for what they wrote), clear by the board's rules (a current
    credential, a declaration of no conflict). Says what fails first; "" when none does."""
    if not reviewer:
        return NOT_A_REVIEWER
    if contributor:
        return CONTRIBUTOR
    return board


def may_sign_off(article: Article, user: AbstractBaseUser) -> bool:
    """Whether ``user`` may verify claims of, and approve, the revision now in the workflow."""
    reviewer = roles.is_reviewer(user)
    return not _sign_off_refusal(
        reviewer=reviewer,
        contributor=reviewer and wrote_this_revision(article, user),
        board=board_refusal(article, user) if reviewer else "",
    )


def sign_off_refusals(article: Article, user_ids) -> dict[int, str]:
    """The sign-off rule now, for each of these signers (4 queries whatever their number).

    Maps each user id to why their sign-off of the revision now in the workflow
    does not count, said of them ("credential expired on 2026-12-01"), or "".
    """
    user_ids = {uid for uid in user_ids if uid is not None}
    if not user_ids:
        return {}
    app_label, codename = roles.PERM_REVIEW.split(".")
    holds = (
        Q(is_superuser=True)
        | Q(
            user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
        )
        | Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
    )
    reviewers = set(
        get_user_model()
        .objects.filter(holds, pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    contributors = {user.pk for user in article.contributors.all()}
    board = standings(article, reviewers - contributors)
    return {
        uid: _sign_off_refusal(
            reviewer=uid in reviewers, contributor=uid in contributors, board=board.get(uid, "")
        )
        for uid in user_ids
    }


def signers_not_counted(article: Article, user_ids) -> set[int]:
    """Those of ``user_ids`` whose verdicts and approval no longer count (``sign_off_refusals``)."""
    return {uid for uid, refusal in sign_off_refusals(article, user_ids).items() if refusal}


def is_editor_of(article: Article, user) -> bool:
    """An editor who wrote this revision (or a superuser): the one who answers the board."""
    return roles.is_editor(user) and (user.is_superuser or wrote_this_revision(article, user))


def may_answer_thread(article: Article, user) -> bool:
    """The editors of the article reply to the board's threads and say when one is addressed."""
    return is_editor_of(article, user)


def may_settle_thread(article: Article, user) -> bool:
    """Resolving or reopening a thread says whether the board is satisfied: it is for those
    who may verify (``may_sign_off``), never someone who wrote the revision, a recused
    reviewer or one whose credentials have all expired."""
    return may_sign_off(article, user)


def may_retract(article: Article, user: AbstractBaseUser) -> bool:
    return roles.is_site_admin(user)


def is_content_editable(article: Article) -> bool:
    """Content changes only in draft, so an approval covers exactly what was reviewed."""
    return article.state == ArticleState.DRAFT


# The state an article is in, as it follows "while it is ..." in a step's refusal.
STATE_PHRASES = {ArticleState.DRAFT: "a draft"}


def state_phrase(article: Article) -> str:
    return STATE_PHRASES.get(article.state, article.get_state_display().lower())


COI_MESSAGE = (
    "You drafted or edited this revision, so another board member must verify and approve it."
)


# -- Questions the doors ask -----------------------------------------------------------


def ensure(user, action: str, article: Article | None) -> None:
    """Raise unless ``user`` may take ``action`` on ``article`` now.

    Not allowed for this user -> PermissionDenied (403); wrong state ->
    TransitionNotAllowed or ContentLocked (409); article not ready ->
    ConditionsNotMet (409), with every reason in words.
    """
    if action == EDIT:
        _ensure_edit(user, article)
    elif action == VERIFY:
        _ensure_verify(user, article)
    elif action in THREAD_ACTIONS:
        _ensure_thread(user, action, article)
    elif action == DECLARE:
        _ensure_declare(user, article)
    elif action == ASSIGN:
        _ensure_assign(user, article)
    else:
        # A workflow step is asked of its record: ``articles.steps`` (``step.check``).
        raise ValueError(f"{action!r} is not an action of the policy.")


def can(user, action: str, article: Article | None) -> bool:
    """Whether ``ensure`` would let ``user`` take ``action`` on ``article`` now."""
    try:
        ensure(user, action, article)
    except (PermissionDenied, TransitionNotAllowed, ContentLocked):
        return False
    return True


def _ensure_edit(user, article: Article | None) -> None:
    if not may_edit(article, user):
        raise PermissionDenied("Only editors write articles.")
    if article is not None and not is_content_editable(article):
        raise ContentLocked(
            f"The article is {article.get_state_display().lower()}; its content changes only in "
            "draft (withdraw it, or start a new revision with “Revise”)."
        )


def _ensure_verify(user, article: Article) -> None:
    if not roles.is_reviewer(user):
        raise PermissionDenied("Only board reviewers review claims.")
    if article.state != ArticleState.UNDER_REVIEW:
        raise TransitionNotAllowed("Claims are reviewed only while the article is under review.")
    if wrote_this_revision(article, user):
        raise PermissionDenied(COI_MESSAGE)
    if refusal := board_refusal(article, user):
        raise PermissionDenied(refusal)


# Where a declaration or an assignment still matters: before the board's decision.
REVIEWABLE_STATES = (ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW)


def _ensure_declare(user, article: Article) -> None:
    if not roles.is_reviewer(user):
        raise PermissionDenied("Only board reviewers declare conflicts of interest.")
    if article.state not in REVIEWABLE_STATES:
        raise TransitionNotAllowed(
            "Conflicts of interest are declared while the article waits for or is under review."
        )


def _ensure_assign(user, article: Article) -> None:
    if not roles.is_editor_in_chief(user):
        raise PermissionDenied("Only editors-in-chief assign reviewers.")
    if article.state not in REVIEWABLE_STATES:
        raise TransitionNotAllowed(
            f"Only a submitted article or one under review is assigned; this one is "
            f"{article.get_state_display().lower()}."
        )


def _ensure_thread(user, action: str, article: Article) -> None:
    if article.state == ArticleState.RETRACTED:
        raise TransitionNotAllowed("The article is retracted; its threads are closed.")
    if action in (THREAD_REPLY, THREAD_ADDRESS):
        if not may_answer_thread(article, user):
            raise PermissionDenied("Only the editors of this article answer the board's threads.")
    elif not may_settle_thread(article, user):
        if roles.is_reviewer(user) and wrote_this_revision(article, user):
            raise PermissionDenied(
                "You drafted or edited this revision, so another board member settles its threads."
            )
        if roles.is_reviewer(user):
            raise PermissionDenied(board_refusal(article, user))
        raise PermissionDenied("Only board reviewers resolve or reopen threads.")
