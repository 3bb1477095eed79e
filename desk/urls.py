"""The editorial desk for editors and board reviewers (namespace "desk")."""

app_name = "desk"
urlpatterns: list = []
