from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screening"
    verbose_name = "Retraction screening"

    def ready(self) -> None:
        from editorial.health import register_check
        from screening.health import last_screening_run

        register_check("screening", last_screening_run)
