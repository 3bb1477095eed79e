"""The editorial desk for editors and board reviewers (namespace "desk")."""

from django.urls import include, path

from desk import views

app_name = "desk"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/", views.article_list, name="articles"),
    path("queue/<slug:anchor>/", views.chief_list, name="queue"),
    path("articles/new/", views.article_new, name="new"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="edit"),
    path("articles/<int:pk>/editor/", views.article_editor, name="editor"),
    path("articles/<int:pk>/editor/add/", views.editor_claim_add, name="editor_add"),
    path("articles/<int:pk>/editor/<uuid:uid>/", views.editor_claim_save, name="editor_save"),
    path("articles/<int:pk>/editor/<uuid:uid>/cite/", views.editor_claim_cite, name="editor_cite"),
    path(
        "articles/<int:pk>/editor/<uuid:uid>/quote/<int:reference_id>/",
        views.editor_claim_quote,
        name="editor_quote",
    ),
    path(
        "articles/<int:pk>/editor/<uuid:uid>/pairing/",
        views.editor_claim_pairing,
        name="editor_pairing",
    ),
    path(
        "articles/<int:pk>/editor/<uuid:uid>/<slug:action>/",
        views.editor_claim_structure,
        name="editor_change",
    ),
    path("articles/<int:pk>/claims/<uuid:uid>/", views.claim_edit, name="claim"),
    path("articles/<int:pk>/claims/<uuid:uid>/review/", views.claim_review, name="claim_review"),
    path("articles/<int:pk>/references/", views.article_references, name="references"),
    path(
        "articles/<int:pk>/references/import/",
        views.article_references_import,
        name="references_import",
    ),
    path("articles/<int:pk>/references/shelf/", views.article_shelf, name="shelf"),
    path(
        "articles/<int:pk>/references/lookup/",
        views.article_reference_lookup,
        name="references_lookup",
    ),
    path(
        "articles/<int:pk>/references/lookup/add/",
        views.article_reference_lookup_add,
        name="references_lookup_add",
    ),
    path("articles/<int:pk>/preview/", views.article_preview, name="preview"),
    path("articles/<int:pk>/review/", views.article_review, name="review"),
    path("articles/<int:pk>/diff/", views.article_diff, name="diff"),
    path("articles/<int:pk>/timeline/", views.article_timeline, name="timeline"),
    path("articles/<int:pk>/version/", views.article_version, name="version"),
    path(
        "articles/<int:pk>/threads/<int:thread_pk>/<slug:step>/",
        views.thread_step,
        name="thread",
    ),
    path("articles/<int:pk>/declare/", views.article_declare, name="declare"),
    path("articles/<int:pk>/assign/", views.article_assign, name="assign"),
    path(
        "articles/<int:pk>/assignments/<int:assignment_pk>/due/",
        views.assignment_due_change,
        name="assignment_due",
    ),
    path(
        "articles/<int:pk>/assignments/<int:assignment_pk>/withdraw/",
        views.assignment_withdraw,
        name="assignment_withdraw",
    ),
    path("articles/<int:pk>/topics/", views.article_topics, name="topics"),
    path("articles/<int:pk>/<slug:name>/", views.article_transition, name="transition"),
    path("notifications/", include("notifications.urls")),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:report>.csv", views.report_csv, name="report_csv"),
    path("reports/<slug:report>/articles/", views.report_articles, name="report_articles"),
    path(
        "questions/<int:pk>/dismiss/", views.question_handle, {"action": "dismiss"}, name="dismiss"
    ),
    path(
        "questions/<int:pk>/convert/", views.question_handle, {"action": "convert"}, name="convert"
    ),
]
