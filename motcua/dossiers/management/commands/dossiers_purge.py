"""``motcua dossiers purge``: expire import-page uploads left unconfirmed (for cron)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Expire files checked on the import page and not confirmed within "
        "IMPORT_UPLOAD_HOURS: delete the stored files, keep the record of the check."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.dossiers.uploads import expire

        result = expire()
        self.stdout.write(
            f"expired {result.uploads} upload(s) older than {settings.IMPORT_UPLOAD_HOURS} h; "
            f"removed {result.orphans} leftover folder(s)"
        )
