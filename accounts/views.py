"""Password reset: throttled, with its link built on the site origin, mailed through the outbox."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from accounts.throttle import password_reset_allowed, refusal_response
from editorial.clientip import client_address
from editorial.urls_absolute import site_domain, site_uses_https
from outbox.services import email_enqueue


class QueuedPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but the mail goes through the durable outbox like every other mail."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(subject=subject, body=body, to=to_email, kind="password_reset")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        send, refusal = password_reset_allowed(
            email=form.cleaned_data["email"], client=client_address(self.request)
        )
        if refusal is not None:
            return refusal_response(self.request, refusal)
        if not send:
            return HttpResponseRedirect(self.get_success_url())
        # The link in the mail is built on SITE_URL, never on the request's Host header.
        form.save(
            domain_override=site_domain(),
            use_https=site_uses_https(),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())
