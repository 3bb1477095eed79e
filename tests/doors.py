"""Taking a workflow step through each door as a person would: the desk, the admin, the API."""

import re

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api import services as api_services
from articles import steps


def fingerprint_on(page: str) -> str:
    found = re.search(r'name="expected_hash" value="([0-9a-f]{64})"', page)
    return found.group(1) if found else ""


INPUTS = {"comment": "A reason.", "summary": "What changed.", "note": "For the board."}


def through_desk(user, name, article) -> None:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    data = {**INPUTS, "expected_version": article.content_version}
    if name == "approve":
        data["expected_hash"] = fingerprint_on(page)
    client.post(reverse("desk:transition", kwargs={"pk": article.pk, "name": name}), data)


def through_admin(user, name, article) -> None:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    action = steps.get(name, door=steps.ADMIN)
    url = reverse("admin:articles_article_transition", args=[article.pk, name])
    if action is not None and (action.inputs and name != "revise"):
        page = client.get(url).content.decode()
        client.post(url, {**INPUTS, "expected_hash": fingerprint_on(page)})
    else:
        client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            {
                "title": article.title,
                "display_heading": article.display_heading,
                "_fsm_transition_to": name,
                "claims-TOTAL_FORMS": "0",
                "claims-INITIAL_FORMS": "0",
                "transitions-TOTAL_FORMS": "0",
                "transitions-INITIAL_FORMS": "0",
            },
        )


def through_api(user, name, article) -> None:
    client = APIClient()
    if user.is_authenticated:
        _, key = api_services.api_token_create(user=user, name="doors")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    if steps.get(name, door=steps.API) is None:
        # The API has no such step: nothing it answers may move the article.
        client.post(f"/api/drafts/{article.pk}/{name}/", {}, format="json")
        return
    client.post(f"/api/drafts/{article.pk}/{name}/", INPUTS, format="json")
