"""The database itself refuses to change a signed result (not only the ORM).

UPDATE is refused on SQLite and PostgreSQL; DELETE on PostgreSQL (SQLite's test flush
deletes rows one table at a time, so there the ORM guard is the one that refuses).
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER signing_signedresult_no_update BEFORE UPDATE ON signing_signedresult
    BEGIN SELECT RAISE(ABORT, 'signed results are immutable'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS signing_signedresult_no_update"]

POSTGRES = [
    """CREATE FUNCTION signing_signedresult_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'signed results are immutable'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER signing_signedresult_immutable BEFORE UPDATE OR DELETE
    ON signing_signedresult FOR EACH ROW EXECUTE FUNCTION signing_signedresult_refuse()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS signing_signedresult_immutable ON signing_signedresult",
    "DROP FUNCTION IF EXISTS signing_signedresult_refuse()",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("signing", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
