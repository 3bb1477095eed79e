from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outgoing mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from editorial.health import register_check
        from outbox.health import mail_queue

        register_check("mail", mail_queue)
