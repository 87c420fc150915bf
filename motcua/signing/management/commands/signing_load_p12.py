"""``motcua signing load-p12 UNIT FILE``: load a unit's real signing certificate."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.signing import credentials, pki
from motcua.units.models import Unit

PROVINCE_WIDE = "*"


class Command(BaseCommand):
    help = (
        "Loads a PKCS#12 file (.p12/.pfx) as the signing certificate of UNIT (its DVCQG "
        "code, or * for the province-wide fallback). The archive is stored encrypted in the "
        "database unless --keep-path is given. The password is read from the environment "
        "variable named by --password-env, or asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit", help="unit code (e.g. H44.07) or * for the province-wide one")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--password-env",
            default="MOTCUA_P12_PASSWORD",
            help="environment variable holding the password (default MOTCUA_P12_PASSWORD)",
        )
        parser.add_argument(
            "--keep-path",
            action="store_true",
            help="keep only the file's path (the file must stay readable by motcua)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = self._unit(options["unit"])
        path: Path = options["file"]
        try:
            archive = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        password = os.environ.get(options["password_env"])
        if password is None:
            password = getpass.getpass(f"Password for {path}: ")
        try:
            stored = credentials.store(
                unit,
                archive,
                password,
                actor="cli",
                path=path.resolve() if options["keep_path"] else None,
            )
        except pki.CredentialError as exc:
            raise CommandError(f"{path}: {exc}") from None
        row = stored.row
        target = unit.name if unit else "toàn tỉnh (province-wide)"
        verb = "loaded" if stored.created else "replaced"
        self.stdout.write(
            f"motcua signing load-p12: {verb} “{row.subject}” (issuer {row.issuer}, "
            f"expires {row.not_after:%d/%m/%Y}) for {target}."
        )

    def _unit(self, code: str) -> Unit | None:
        if code == PROVINCE_WIDE:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"unit {code!r}: no unit with this DVCQG code")
        return unit
