"""The editorial desk: pages for editors and board reviewers, one module per screen.

Views parse a form, call one service or selector and answer; who may do what
is asked of ``articles.policy``, the workflow steps come from
``articles.steps``, and errors are answered through ``desk.errors``.
"""

from desk.views.article import article_detail, article_transition
from desk.views.board import (
    article_assign,
    article_declare,
    article_topics,
    assignment_due_change,
    assignment_withdraw,
)
from desk.views.editing import article_edit, article_new, claim_edit
from desk.views.editor import (
    article_editor,
    editor_claim_add,
    editor_claim_cite,
    editor_claim_pairing,
    editor_claim_quote,
    editor_claim_save,
    editor_claim_structure,
)
from desk.views.history import article_diff, article_timeline, article_version
from desk.views.identifiers import article_reference_lookup, article_reference_lookup_add
from desk.views.lists import article_list, chief_list, dashboard, question_handle
from desk.views.preview import article_preview
from desk.views.references import article_references, article_references_import, article_shelf
from desk.views.reports import report_articles, report_csv, reports
from desk.views.review import article_review, claim_review
from desk.views.threads import thread_step

__all__ = [
    "article_assign",
    "article_declare",
    "article_topics",
    "assignment_due_change",
    "assignment_withdraw",
    "article_detail",
    "article_diff",
    "article_edit",
    "article_editor",
    "article_list",
    "article_new",
    "article_preview",
    "article_reference_lookup",
    "article_reference_lookup_add",
    "article_references",
    "article_references_import",
    "article_shelf",
    "article_review",
    "article_timeline",
    "article_transition",
    "article_version",
    "chief_list",
    "claim_edit",
    "claim_review",
    "dashboard",
    "editor_claim_add",
    "editor_claim_cite",
    "editor_claim_pairing",
    "editor_claim_quote",
    "editor_claim_save",
    "editor_claim_structure",
    "question_handle",
    "report_articles",
    "report_csv",
    "reports",
    "thread_step",
]
