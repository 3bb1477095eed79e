"""The desk's notification pages: the list, opening one, marking all read, and mail settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from notifications import selectors, services
from notifications.forms import PreferencesForm


def _page(value: str | None) -> int:
    if value in (None, ""):
        return 1
    if not value.isdigit() or int(value) < 1:
        raise ValidationError(f"{value!r} is not a page number.")
    return int(value)


@require_GET
@desk_view
def notification_list(request):
    listing = selectors.notification_list_for(
        user=request.user, page=_page(request.GET.get("page"))
    )
    # What the list shows has been seen: read from now on, though this page still marks it new.
    services.notifications_mark_read(user=request.user, notifications=listing.rows)
    return render(request, "notifications/list.html", {"listing": listing})


@require_GET
@desk_view
def notification_open(request, pk):
    notification = selectors.notification_get_for(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("desk:notifications")


@require_POST
@desk_view
def notifications_read(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("desk:notifications")


@require_http_methods(["GET", "POST"])
@desk_view
def notification_settings(request):
    if request.method == "GET":
        choices = selectors.preference_choices(user_ids=[request.user.pk])[request.user.pk]
        return _settings_page(request, PreferencesForm.from_choices(choices))
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    try:
        services.preferences_set(user=request.user, choices=form.choices())
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return _settings_page(request, form, status=error_status(error))
    messages.success(request, "Saved: you will be mailed as chosen.")
    return redirect("desk:notification_settings")


def _settings_page(request, form, status: int = 200):
    return render(request, "notifications/settings.html", {"form": form}, status=status)
