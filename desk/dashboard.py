"""The desk's home page: every work list a user's roles call for, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from articles import steps
from articles.roles import is_editor, is_editor_in_chief, is_reviewer
from articles.states import ArticleState
from board.selectors import credential_list_to_renew
from desk.chief_queue import ChiefQueue, chief_queue_get
from desk.selectors import (
    WorkList,
    article_list_assigned_to,
    article_list_due_for_rereview,
    article_list_due_for_rereview_by_editor,
    article_list_in_review_for_editor,
    article_list_returned_to_editor,
    article_list_waiting_for_review,
    article_rows_assigned_to,
    desk_articles,
    first_rows,
    followup_list_new,
)
from screening.selectors import article_list_flagged


@dataclass
class Dashboard:
    """The desk's home page: the lists a user's roles call for, in a fixed number of queries."""

    drafts: WorkList = field(default_factory=WorkList)
    changes_requested: WorkList = field(default_factory=WorkList)  # "Returned to me"
    in_review: WorkList = field(default_factory=WorkList)
    my_due: WorkList = field(default_factory=WorkList)
    waiting: WorkList = field(default_factory=WorkList)
    assigned: WorkList = field(default_factory=WorkList)
    due: WorkList = field(default_factory=WorkList)
    questions: WorkList = field(default_factory=WorkList)
    flagged: WorkList = field(default_factory=WorkList)  # retraction screening
    # The reviewer's own credentials that have expired or expire within 30 days.
    credentials_to_renew: list = field(default_factory=list)
    # The editor-in-chief's lists; its "Due for re-review" is the board's ``due``.
    chief: ChiefQueue | None = None
    show_editor_lists: bool = False
    show_reviewer_lists: bool = False

    @property
    def show_chief_lists(self) -> bool:
        return self.chief is not None

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(anchor, label, count) for the summary at the top, in page order."""
        rows = list(self.chief.counts) if self.chief is not None else []
        if self.show_editor_lists or self.show_reviewer_lists:
            rows.append(("flagged", "Flagged by retraction screening", self.flagged.total))
        if self.show_editor_lists:
            rows += [
                ("changes", "Returned to me", self.changes_requested.total),
                ("drafts", "My drafts", self.drafts.total),
                ("in-review", "My articles in review", self.in_review.total),
                ("my-due", "Mine approved, due for re-review", self.my_due.total),
            ]
        if self.show_reviewer_lists:
            rows += [
                ("waiting", "Waiting for review", self.waiting.total),
                ("assigned", "Reviews assigned to me", self.assigned.total),
            ]
            if self.chief is None:
                rows.append(("due", "Due for re-review", self.due.total))
        if self.show_editor_lists:
            rows.append(("questions", "Readers' questions", self.questions.total))
        return rows


def dashboard_get(*, user) -> Dashboard:
    """What ``user`` has to do: two queries per list, one for an empty one (the chief's, 8
    for all five), however many articles there are; a long list's count stops at
    COUNTED_UP_TO ("500+")."""
    board = Dashboard(show_editor_lists=is_editor(user), show_reviewer_lists=is_reviewer(user))
    if is_editor_in_chief(user):
        board.chief = chief_queue_get()
        board.due = board.chief.due
    if board.show_editor_lists or board.show_reviewer_lists:
        board.flagged = first_rows(article_list_flagged())
    # The article lists' rows are read by id from the articles as every desk list shows
    # them (``first_rows``' ``shown``).
    shown = desk_articles()
    if board.show_editor_lists:
        mine = desk_articles().filter(state=ArticleState.DRAFT, contributors=user).order_by("-pk")
        board.changes_requested = first_rows(article_list_returned_to_editor(user), shown=shown)
        board.drafts = first_rows(
            mine.exclude(last_transition=steps.REQUEST_CHANGES.name), shown=shown
        )
        board.in_review = first_rows(article_list_in_review_for_editor(user), shown=shown)
        board.my_due = first_rows(article_list_due_for_rereview_by_editor(user), shown=shown)
        board.questions = first_rows(followup_list_new())
    if board.show_reviewer_lists:
        board.waiting = first_rows(article_list_waiting_for_review(), shown=shown)
        board.assigned = first_rows(
            article_list_assigned_to(user), shown=article_rows_assigned_to(user)
        )
        if board.chief is None:
            board.due = first_rows(article_list_due_for_rereview(), shown=shown)
        board.credentials_to_renew = list(credential_list_to_renew(user=user))
    return board
