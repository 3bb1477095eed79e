"""The JSON API (namespace "api")."""

app_name = "api"
urlpatterns: list = []
