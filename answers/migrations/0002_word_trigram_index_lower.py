from django.db import migrations


# The trigram index on the words' column served "=" as well as "%" (pg_trgm 1.6), and the
# planner chose it for the exact look-up of a question's words over the primary key, at
# tens of milliseconds; for "%" on the varchar column it was not used at all. An index on
# lower(word) serves only the similarity search that names that expression.
def index_on_lower(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS answers_word_trgm_gin")
        schema_editor.execute(
            "CREATE INDEX answers_word_trgm_gin ON answers_indexword "
            "USING gin (lower(word) gin_trgm_ops)"
        )


def index_on_word(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS answers_word_trgm_gin")
        schema_editor.execute(
            "CREATE INDEX answers_word_trgm_gin ON answers_indexword USING gin (word gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("answers", "0001_initial")]

    operations = [migrations.RunPython(index_on_lower, index_on_word, elidable=False)]
