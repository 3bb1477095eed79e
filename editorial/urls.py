from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from editorial.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("desk/screening/", include("screening.urls")),
    path("desk/", include("desk.urls")),
    path("api/", include("api.urls")),
    path("", include("public.urls")),
]

if settings.BENCH_MODE:
    from editorial.benchview import minimal

    urlpatterns.insert(0, path("__bench__/ok", minimal, name="bench-minimal"))
