"""The JSON API (namespace "api")."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from api import views

app_name = "api"
urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("drafts/", views.DraftListView.as_view(), name="draft-list"),
    path("drafts/<int:pk>/", views.DraftDetailView.as_view(), name="draft-detail"),
    path("drafts/<int:pk>/submit/", views.DraftSubmitView.as_view(), name="draft-submit"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]
