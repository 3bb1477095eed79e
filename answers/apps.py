from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "answers"
    verbose_name = "Answers from reviewed claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from answers import receivers

        receivers.connect()
