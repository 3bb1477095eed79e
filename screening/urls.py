"""Retraction screening at the desk (namespace "screening", under /desk/screening/)."""

from django.urls import path

from screening import views

app_name = "screening"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path(
        "articles/<int:pk>/claims/<uuid:uid>/justify/",
        views.citation_justify,
        name="justify",
    ),
]
