"""Public pages for readers (namespace "public")."""

from django.http import Http404
from django.urls import path

app_name = "public"


def _not_yet(request, **kwargs):
    raise Http404


urlpatterns = [
    path("articles/<slug:slug>/", _not_yet, name="article"),
    path("editorial-policy/v<int:version>/", _not_yet, name="policy_version"),
]
