from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from editorial.health import register_check
        from public import freshness, receivers
        from public.purge import edge_purge_check

        freshness.connect_receivers()
        receivers.connect_receivers()
        register_check("edge_purge", edge_purge_check)
