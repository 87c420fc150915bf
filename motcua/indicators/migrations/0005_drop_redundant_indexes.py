"""Drop ``dailyfact(unit_id)``: the (unit_id, received_day) index serves every lookup by
unit, and the aggregates are written far more often than a unit is deleted. Plain SQL, not
AlterField: on SQLite, AlterField copies the whole table to change an index."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

UNIT_INDEX = "indicators_dailyfact_unit_id_14f4511e"


def forward(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f'DROP INDEX IF EXISTS "{UNIT_INDEX}"')


def backward(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{UNIT_INDEX}" ON "indicators_dailyfact" ("unit_id")'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_running_totals"),
        ("units", "0002_unitevent_heir"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AlterField(
                    model_name="dailyfact",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="units.unit",
                    ),
                )
            ],
        )
    ]
