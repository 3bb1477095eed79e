"""Search indexes for ranking few candidates on PostgreSQL (``public.search``).

- A GIN index on the words of each entry's question (its title, stemmed as the full-text
  vector's A part is): the newest articles whose question holds every word asked are
  found without reading the whole vector of every article that merely mentions them.
- A trigram GiST index on the search entries' titles: it reads titles in order of
  likeness to a misspelt word (``title <->> 'baclofin'``), so the fallback reads the
  fifty likest titles instead of scoring every title (the GIN index of migration 0017
  answers which titles hold a piece of text, not which are likest).
- The full-text GIN index without its pending list (``fastupdate = off``): with it, an
  entry written since the last vacuum sits in a list every search reads in full, and
  the planner, counting that list, reads every row's vector instead of asking the
  index. Entries are written one per transition, so the cost falls on no reader.

SQLite has neither index type and needs neither.
"""

from django.db import migrations


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_title_gist ON articles_articlesearchentry "
        "USING gist (title gist_trgm_ops)"
    )
    # The expression Django writes for SearchVector("title", config="english").
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_title_words ON articles_articlesearchentry "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(title, ''::text))) "
        "WITH (fastupdate = off)"
    )
    schema_editor.execute("ALTER INDEX article_search_vector_gin SET (fastupdate = off)")
    # Entries already in the pending list move into the index proper.
    schema_editor.execute("SELECT gin_clean_pending_list('article_search_vector_gin'::regclass)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search_title_gist")
    schema_editor.execute("DROP INDEX IF EXISTS article_search_title_words")
    schema_editor.execute("ALTER INDEX article_search_vector_gin RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_articleversion_approved_at_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
