"""Public pages. Placeholders until the public site lands; names are stable."""

from django.http import Http404
from django.urls import path


def _not_yet(request, **kwargs):
    raise Http404


urlpatterns = [
    path("articles/<slug:slug>/", _not_yet, name="article"),
    path("editorial-policy/v<int:version>/", _not_yet, name="policy_version"),
]
