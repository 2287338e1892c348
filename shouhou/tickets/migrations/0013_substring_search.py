"""Indexes for substring search of service requests (issue 9; tickets/search.py explains them).

PostgreSQL: the pg_trgm extension with trigram GIN indexes on UPPER(customer name) and
UPPER(asset serial) (what `icontains` compares), and a GIN index over the unigrams and bigrams of
each request's own text (title, description, reporter name, reported customer, reported serial),
so that one- and two-character Chinese words such as 漏水 — which a trigram index cannot serve —
are found through an index as well as longer ones.

SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34) over the same text, kept by
triggers; where FTS5 or its trigram tokenizer is missing, nothing is created and search scans.
Other databases: nothing.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

PG_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION shouhou_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(s, i, 1) AS g FROM (SELECT lower(t) AS s) x, generate_series(1, char_length(x.s)) i
    UNION ALL
    SELECT substr(s, i, 2) FROM (SELECT lower(t) AS s) x, generate_series(1, char_length(x.s) - 1) i
  ) grams
$$;
CREATE OR REPLACE FUNCTION shouhou_query_grams(q text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(q) < 2 THEN ARRAY[lower(q)]
         ELSE (SELECT array_agg(DISTINCT substr(lower(q), i, 2)) FROM generate_series(1, char_length(q) - 1) i) END
$$;
CREATE OR REPLACE FUNCTION shouhou_ticket_grams(title text, description text, reporter_name text,
                                                reported_customer text, reported_serial text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT shouhou_grams(coalesce(title, '') || E'\n' || coalesce(description, '') || E'\n' ||
                       coalesce(reporter_name, '') || E'\n' || coalesce(reported_customer, '') || E'\n' ||
                       coalesce(reported_serial, ''))
$$;
"""
PG_INDEXES = """
CREATE INDEX IF NOT EXISTS ticket_text_grams ON tickets_ticket USING gin
  (shouhou_ticket_grams(title, description, reporter_name, reported_customer, reported_serial));
CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer USING gin (UPPER(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS asset_serial_trgm ON assets_asset USING gin (UPPER(serial_no) gin_trgm_ops);
"""
PG_DROP = """
DROP INDEX IF EXISTS ticket_text_grams; DROP INDEX IF EXISTS customer_name_trgm; DROP INDEX IF EXISTS asset_serial_trgm;
DROP FUNCTION IF EXISTS shouhou_ticket_grams(text, text, text, text, text);
DROP FUNCTION IF EXISTS shouhou_query_grams(text); DROP FUNCTION IF EXISTS shouhou_grams(text);
"""
FTS_COLUMNS = "title, description, reporter_name, reported_customer, reported_serial"
SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE tickets_ticket_fts USING fts5({FTS_COLUMNS}, content='tickets_ticket', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER tickets_ticket_fts_ai AFTER INSERT ON tickets_ticket BEGIN "
    f"INSERT INTO tickets_ticket_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, new.title, new.description, "
    "new.reporter_name, new.reported_customer, new.reported_serial); END",
    f"CREATE TRIGGER tickets_ticket_fts_ad AFTER DELETE ON tickets_ticket BEGIN "
    f"INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, old.title, "
    "old.description, old.reporter_name, old.reported_customer, old.reported_serial); END",
    f"CREATE TRIGGER tickets_ticket_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON tickets_ticket BEGIN "
    f"INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, old.title, "
    "old.description, old.reporter_name, old.reported_customer, old.reported_serial); "
    f"INSERT INTO tickets_ticket_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, new.title, new.description, "
    "new.reporter_name, new.reported_customer, new.reported_serial); END",
    "INSERT INTO tickets_ticket_fts(tickets_ticket_fts) VALUES ('rebuild')",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS tickets_ticket_fts_ai", "DROP TRIGGER IF EXISTS tickets_ticket_fts_ad",
               "DROP TRIGGER IF EXISTS tickets_ticket_fts_au", "DROP TABLE IF EXISTS tickets_ticket_fts"]


def sqlite_has_trigram(connection) -> bool:
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.shouhou_fts_probe USING fts5(x, tokenize='trigram')")
            cursor.execute("DROP TABLE temp.shouhou_fts_probe")
        except Exception:  # noqa: BLE001 - no FTS5, or no trigram tokenizer (SQLite < 3.34)
            return False
    return True


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(PG_FUNCTIONS)
            cursor.execute(PG_INDEXES)
    elif connection.vendor == "sqlite" and sqlite_has_trigram(connection):
        with connection.cursor() as cursor:
            for statement in SQLITE_FTS:
                cursor.execute(statement)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_DROP)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_reporter_phone_tail_index"),
        ("customers", "0007_site_province_city_district"),
        ("assets", "0004_alter_asset_notes_alter_historicalasset_notes"),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing on other databases
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
