"""Drop indexes that others cover (they only slow every insert):

* ``dossier(unit_id)``: the (unit_id, received_at) index serves every lookup by unit;
* ``dossierevent(dossier_id)``: the unique (dossier_id, seq) index serves lookups by dossier;
* ``dossier(applicant_id_hash)``'s ``varchar_pattern_ops`` twin on PostgreSQL (Django adds
  one to every indexed CharField for LIKE): the hash is matched by equality only. The index
  itself stays, declared in ``Meta.indexes`` (renamed, not rebuilt, on PostgreSQL).

Plain SQL, not AlterField: on SQLite, AlterField copies the whole table to change an index.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

OLD_HASH = "dossiers_dossier_applicant_id_hash_620503e5"
NEW_HASH = "dossier_applicant_id_hash"
DOSSIER_UNIT = "dossiers_dossier_unit_id_49f6b550"
EVENT_DOSSIER = "dossiers_dossierevent_dossier_id_90237d93"


def forward(apps: Any, schema_editor: Any) -> None:
    run = schema_editor.execute
    run(f'DROP INDEX IF EXISTS "{DOSSIER_UNIT}"')
    run(f'DROP INDEX IF EXISTS "{EVENT_DOSSIER}"')
    if schema_editor.connection.vendor == "postgresql":
        run(f'DROP INDEX IF EXISTS "{OLD_HASH}_like"')
        run(f'ALTER INDEX IF EXISTS "{OLD_HASH}" RENAME TO "{NEW_HASH}"')
    else:
        run(f'DROP INDEX IF EXISTS "{OLD_HASH}"')
    run(f'CREATE INDEX IF NOT EXISTS "{NEW_HASH}" ON "dossiers_dossier" ("applicant_id_hash")')


def backward(apps: Any, schema_editor: Any) -> None:
    run = schema_editor.execute
    run(f'CREATE INDEX IF NOT EXISTS "{DOSSIER_UNIT}" ON "dossiers_dossier" ("unit_id")')
    run(f'CREATE INDEX IF NOT EXISTS "{EVENT_DOSSIER}" ON "dossiers_dossierevent" ("dossier_id")')
    if schema_editor.connection.vendor == "postgresql":
        run(f'ALTER INDEX IF EXISTS "{NEW_HASH}" RENAME TO "{OLD_HASH}"')
        run(
            f'CREATE INDEX IF NOT EXISTS "{OLD_HASH}_like" ON "dossiers_dossier" '
            '("applicant_id_hash" varchar_pattern_ops)'
        )
    else:
        run(f'DROP INDEX IF EXISTS "{NEW_HASH}"')
    run(f'CREATE INDEX IF NOT EXISTS "{OLD_HASH}" ON "dossiers_dossier" ("applicant_id_hash")')


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_importupload_expired"),
        ("units", "0002_unitevent_heir"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="applicant_id_hash",
                    field=models.CharField(blank=True, max_length=64),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dossiers",
                        to="units.unit",
                        verbose_name="đơn vị xử lý",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierevent",
                    name="dossier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AddIndex(
                    model_name="dossier",
                    index=models.Index(fields=["applicant_id_hash"], name=NEW_HASH),
                ),
            ],
        )
    ]
