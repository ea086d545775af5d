"""A word index for searching subjects on PostgreSQL (wenzheng/workbench/views/search.py).

Chinese words are mostly two characters, so trigram indexes (pg_trgm) cannot narrow a search for
"停车" (no trigram in it) and make it slower; the index holds each subject's character bigrams
instead (upper-cased, so matching stays case-insensitive like ``icontains``). A two-character
query is one bigram and matches exactly; a longer one must contain all its bigrams, rechecked
with LIKE. Measured before and after at 10^6 cases in docs/benchmarks.md. SQLite keeps the plain
LIKE (no index needed at its scale).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION wz_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(u, i, 2)), '{}')
    FROM (SELECT upper(t) AS u) AS s, generate_series(1, length(u) - 1) AS i
$$
"""
INDEX = "CREATE INDEX IF NOT EXISTS case_subject_bigrams ON casework_case USING gin (wz_bigrams(subject))"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_subject_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS wz_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("casework", "0011_contact_access")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
