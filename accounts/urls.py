from django.urls import include, path

from accounts.views import ThrottledPasswordResetView

urlpatterns = [
    path("password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
