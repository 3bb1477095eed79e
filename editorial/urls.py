from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from editorial.health import healthz, readyz
from editorial.scrape import metrics_view

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("desk/screening/", include("screening.urls")),
    path("desk/", include("desk.urls")),
    path("api/", include("api.urls")),
    path("answers/", include("answers.urls")),
    path("", include("public.urls")),
]

# A database outage met outside a view is a 503 like one met inside it; anything else a
# branded 500. Both pages are rendered without the database (editorial/errors.py).
handler500 = "editorial.errors.server_error"

if settings.BENCH_MODE:
    from editorial.benchview import minimal

    urlpatterns.insert(0, path("__bench__/ok", minimal, name="bench-minimal"))
