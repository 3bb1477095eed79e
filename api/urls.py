"""The JSON API (namespace "api")."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import path, re_path
from drf_spectacular.views import SpectacularRedocView

from api import views
from api.answers import AnswerView

# Where the Redoc bundle loads its logo from (redoc.standalone.js: .../redoc/logo-mini.svg).
REDOC_LOGO_ORIGIN = "https://cdn.redoc.ly"

app_name = "api"
urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("drafts/", views.DraftListView.as_view(), name="draft-list"),
    path("drafts/<str:pk>/", views.DraftDetailView.as_view(), name="draft-detail"),
    path("drafts/<str:pk>/submit/", views.DraftSubmitView.as_view(), name="draft-submit"),
    path("answers/", AnswerView.as_view(), name="answers"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("problems/", views.ProblemTypesView.as_view(), name="problems"),
    path(
        "docs/",
        # Redoc (a third-party bundle served from our static files) injects its styles,
        # runs its search in a blob: worker and shows its maker's logo from their CDN
        # (an image, hard-coded in the bundle); it shows only the public schema.
        csp_replace(
            {
                "style-src": [SELF, UNSAFE_INLINE],
                "worker-src": [SELF, "blob:"],
                "img-src": [SELF, "data:", REDOC_LOGO_ORIGIN],
            }
        )(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/docs.html")),
        name="docs",
    ),
    # Anything else under /api/ (a newline included) is a JSON 404 too, never the site's HTML page.
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not-found"),
]
