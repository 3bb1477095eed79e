from django.db import migrations

# The entries' vectors are made of the stems the scoring reads (answers.services.SEARCH_VECTOR),
# so that a search finds exactly the claims the scoring would credit.
OF_STEMS = (
    "UPDATE answers_claimentry SET search_vector = "
    "setweight(to_tsvector('simple', terms), 'A') "
    "|| setweight(to_tsvector('simple', context_terms), 'B')"
)
OF_TEXT = (
    "UPDATE answers_claimentry SET search_vector = "
    "setweight(to_tsvector('english', text), 'A') "
    "|| setweight(to_tsvector('english', question), 'B') "
    "|| setweight(to_tsvector('english', section), 'B')"
)


def vectors_of_stems(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OF_STEMS)


def vectors_of_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OF_TEXT)


class Migration(migrations.Migration):
    dependencies = [("answers", "0002_word_trigram_index_lower")]

    operations = [migrations.RunPython(vectors_of_stems, vectors_of_text, elidable=False)]
