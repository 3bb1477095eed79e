"""Every URL in the URL configuration, for every role: who may open it, and never a 500.

The URLs are walked from the resolver, not listed by hand, so a new view is
tested the day it is added. ``ACCESS`` says which roles may use each URL name;
a URL missing from it fails ``test_every_url_has_an_access_rule`` with a note
on what to add. Refused roles must get the login page (anonymous), 403, 404 or
405 for both GET and POST — never the page, never a 500.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = frozenset({"anonymous", "reader", "editor", "other_editor", "reviewer", "admin"})
SIGNED_IN = PUBLIC - {"anonymous"}
DESK = frozenset({"editor", "other_editor", "reviewer", "admin"})
EDITORS = frozenset({"editor", "other_editor", "admin"})  # admin is a superuser
REVIEWERS = frozenset({"reviewer", "admin"})
STAFF = frozenset({"admin"})
CHIEFS = frozenset({"admin"})  # editors-in-chief; the admin is a superuser (every permission)
TOKEN = frozenset()  # the API's writes take an API token, never a browser session

# url name -> roles that may use it. Add your new URL here (and say why if it is not DESK).
ACCESS: dict[str, frozenset[str]] = {
    "healthz": PUBLIC,
    "readyz": PUBLIC,  # names each dependency and its status, no secrets (load balancers)
    "metrics": TOKEN,  # a scraper's token or address, never a browser session
    # public site
    "public:home": PUBLIC,
    "public:search": PUBLIC,
    "public:article": PUBLIC,
    "public:follow_up": PUBLIC,
    "public:follow_up_thanks": PUBLIC,
    "public:policy": PUBLIC,
    "public:policy_version": PUBLIC,
    "public:board": PUBLIC,
    "public:robots": PUBLIC,
    "public:sitemap": PUBLIC,
    "public:sitemap-section": PUBLIC,
    "public:feed": PUBLIC,
    # answers from reviewed claims (a reader's own answer is at a signed address; 404 else)
    "answers:page": PUBLIC,
    "answers:asked": PUBLIC,
    # accounts (django.contrib.auth.urls)
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    # desk
    "desk:dashboard": DESK,
    "desk:articles": DESK,
    "desk:article": DESK,
    "desk:preview": DESK,
    "desk:diff": DESK,
    "desk:timeline": DESK,
    "desk:version": DESK,
    "desk:transition": DESK,
    "desk:references": DESK,
    "desk:review": DESK,
    "desk:new": EDITORS,
    "desk:edit": EDITORS,
    "desk:claim": EDITORS,
    "desk:references_import": EDITORS,
    "desk:shelf": EDITORS,
    "desk:references_lookup": EDITORS,
    "desk:references_lookup_add": EDITORS,
    "desk:editor": EDITORS,
    "desk:editor_add": EDITORS,
    "desk:editor_save": EDITORS,
    "desk:editor_cite": EDITORS,
    "desk:editor_change": EDITORS,
    "desk:editor_pairing": EDITORS,
    "desk:editor_quote": EDITORS,
    "desk:claim_review": REVIEWERS,
    # claim threads: who may take which step on whose article is the policy's (403 otherwise)
    "desk:thread": DESK,
    "desk:declare": REVIEWERS,  # conflict-of-interest declarations
    "desk:topics": EDITORS,
    # editors-in-chief (none in this test; the superuser admin holds their permission)
    "desk:assign": STAFF,
    "desk:assignment_due": STAFF,  # change an assignment's due date
    "desk:assignment_withdraw": STAFF,
    "desk:queue": CHIEFS,  # one list of the editor-in-chief's queue
    "desk:dismiss": EDITORS,
    "desk:convert": EDITORS,
    "desk:reports": CHIEFS,
    "desk:report_csv": CHIEFS,
    "desk:report_articles": CHIEFS,
    # each desk user's own notifications (another's is 404) and mail settings
    "desk:notifications": DESK,
    "desk:notification": DESK,
    "desk:notifications_read": DESK,
    "desk:notification_settings": DESK,
    # retraction screening at the desk
    "screening:queue": DESK,
    "screening:run": DESK,
    "screening:justify": REVIEWERS,
    # JSON API
    "api:article-list": PUBLIC,
    "api:article-detail": PUBLIC,
    "api:answers": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:problems": PUBLIC,  # what each error's type URI names
    "api:not-found": PUBLIC,
    "api:draft-list": TOKEN,
    "api:draft-detail": TOKEN,
    "api:draft-submit": TOKEN,
    # the admin's own log-in and log-out pages are where everyone starts
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
}
# Django's admin names its URLs per model; the whole namespace is staff-only.
NAMESPACE_ACCESS = {"admin": STAFF}

LOGIN_URLS = ("/accounts/login/", "/admin/login/")


def walk(patterns, prefix="", namespace=""):
    """(url name, route, parameter names) for every pattern, includes followed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}{pattern.name}" if pattern.name else None
            params = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(
                re.findall(r"\(\?P<(\w+)>", route)
            )
            yield name, route, params


def all_urls():
    return list(walk(get_resolver().url_patterns))


def access_for(name: str) -> frozenset[str] | None:
    if name in ACCESS:
        return ACCESS[name]
    return NAMESPACE_ACCESS.get(name.split(":", 1)[0]) if ":" in name else None


def test_every_url_has_an_access_rule():
    missing = sorted(
        f"{name or '(unnamed)'}  {route}"
        for name, route, _ in all_urls()
        if not route.startswith("admin/") and (name is None or access_for(name) is None)
    )
    assert not missing, (
        "These URLs have no entry in tests/hardening/test_url_access.py ACCESS. Add each one "
        "with the roles allowed to use it (and a permission check in the view):\n  "
        + "\n  ".join(missing)
    )


def _admin_object_id(name: str) -> str:
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", name)
    if match:
        for app_label, model_name in ((match[1], match[2]),):
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                return str(first.pk)
    return "1"


def requests_for(world) -> list[tuple[str, str]]:
    """(url name, path) to request: article URLs once per article state."""
    claim = world.draft.claims.order_by("position").first()
    found = []
    for name, route, params in all_urls():
        admin_extra = (
            name
            and name.startswith("admin:")
            and (params - {"object_id", "app_label"} or re.search(r"\((?!\?P)", route))
        )
        if name is None or admin_extra:
            continue  # the admin's catch-all, its per-object redirects and history-record pages
        articles = world.articles.values() if params & {"pk", "slug"} else [world.draft]
        for article in articles:
            kwargs = {}
            for param in params:
                kwargs[param] = {
                    "pk": world.question.pk
                    if name in ("desk:dismiss", "desk:convert")
                    else article.pk,
                    "slug": article.slug,
                    "uid": claim.uid,
                    "name": "submit",
                    "report": "states",
                    "action": "up",
                    "thread_pk": 1,
                    "assignment_pk": 1,
                    "reference_id": 1,
                    "anchor": "overdue",
                    "step": "reply",
                    "version": 1,
                    "section": "articles",
                    "uidb64": "MQ",
                    "token": "set-password",
                    "app_label": "articles",
                    "object_id": _admin_object_id(name),
                }[param]
            if name in ("desk:dismiss", "desk:convert") and article is not world.draft:
                continue
            found.append((name, reverse(name, kwargs=kwargs)))
    return sorted(set(found))


def _directives(cache_control: str) -> set[str]:
    return {part.strip().split("=", 1)[0].lower() for part in cache_control.split(",")}


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_URLS)


@pytest.mark.parametrize(
    "role", ["anonymous", "reader", "editor", "other_editor", "reviewer", "admin"]
)
def test_every_url_for_role(role, world, all_roles):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(all_roles[role])
    problems = []
    for name, path in requests_for(world):
        allowed = role in access_for(name)
        for method in ("get", "post") if not allowed else ("get",):
            response = getattr(client, method)(path)
            status = response.status_code
            cache_control = response.get("Cache-Control", "")
            if role != "anonymous" and not {"private", "no-store"} <= _directives(cache_control):
                problems.append(
                    f"{method.upper()} {path} ({name}): Cache-Control {cache_control!r} for a "
                    "signed-in user, not private, no-store"
                )
            if status >= 500:
                problems.append(f"{method.upper()} {path} ({name}): {status}")
            elif not allowed and not (
                _is_login_redirect(response) or status in (401, 403, 404, 405)
            ):
                problems.append(f"{method.upper()} {path} ({name}): {status} for a refused role")
            elif status == 405:
                continue  # the wrong method is refused before anything is looked up
            elif (
                not allowed
                and role == "anonymous"
                and name.startswith("desk:")
                and not _is_login_redirect(response)
            ):
                problems.append(f"{method.upper()} {path} ({name}): anonymous not sent to log in")
            elif not allowed and role == "reader" and name.startswith("desk:") and status != 403:
                problems.append(
                    f"{method.upper()} {path} ({name}): {status}, readers get 403 at the desk"
                )
            elif (
                allowed and _is_login_redirect(response) and not path.startswith("/accounts/logout")
            ):
                problems.append(
                    f"{method.upper()} {path} ({name}): sent to log in, but {role} is allowed"
                )
    assert not problems, f"{role}:\n  " + "\n  ".join(problems)
