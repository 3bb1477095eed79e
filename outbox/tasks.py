"""The background task that delivers one queued email (run by ``manage.py outbox_worker``)."""

from django_tasks import task


@task()
def deliver_email(email_id: int) -> str:
    from outbox.services import email_deliver

    return email_deliver(email_id=email_id)
