"""Typo-tolerant public search on PostgreSQL: the pg_trgm extension and a trigram index on
the search entries' titles (``public.search``). SQLite has neither and needs neither."""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_title_trgm ON articles_articlesearchentry "
        "USING gin (title gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    # The extension stays: other database objects may use it once it is there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_title_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_version_written_by"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
