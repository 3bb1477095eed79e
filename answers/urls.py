"""Answers from reviewed claims (namespace "answers")."""

from django.urls import path

from answers import views

app_name = "answers"

urlpatterns = [
    path("", views.answer_page, name="page"),
    path("asked/<str:token>/", views.asked, name="asked"),
]
