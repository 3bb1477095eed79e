from django.urls import include, path

urlpatterns = [
    path("", include(("articles.urls_public", "public"), namespace="public")),
]
