from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from public import freshness, receivers

        freshness.connect_receivers()
        receivers.connect_receivers()
