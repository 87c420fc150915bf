"""Run in a separate process by test_crash.py: ``python -m tests.sync.scenario setup N`` /
``python -m tests.sync.scenario state``. Uses whatever database the environment selects."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from zoneinfo import ZoneInfo


def setup(count: int) -> None:
    from motcua.dossiers.models import Channel, Status
    from motcua.dossiers.services import create_dossier
    from motcua.dossiers.workflow import change_status
    from motcua.procedures.models import Procedure
    from motcua.units.models import Level, Unit

    unit = Unit.objects.create(code="H44.07", name="Sở Tư pháp", level=Level.AGENCY)
    procedure = Procedure.objects.create(code="1.001757", name="Chứng thực bản sao")
    start = dt.datetime(2024, 8, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    for n in range(count):
        dossier = create_dossier(
            procedure=procedure,
            unit=unit,
            channel=Channel.COUNTER,
            actor="scenario",
            applicant_name=f"Nguyễn Văn {n}",
            received_at=start + dt.timedelta(minutes=n),
        )
        if n % 2:
            change_status(dossier.pk, Status.PROCESSING, actor="scenario")


def state() -> None:
    from motcua.sync.models import OutboxEntry

    rows = OutboxEntry.objects.select_related("dossier")
    out = {
        r.code: [r.revision, r.sent_revision, r.state, r.dossier.sync_state, r.attempts]
        for r in rows
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        state()
