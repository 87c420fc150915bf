"""``motcua signing demo-pki``: a demo certificate authority and a certificate per unit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.signing.credentials import demo_dir, demo_pki


class Command(BaseCommand):
    help = (
        "Creates a demo certificate authority under SIGNING_DIR/demo and a demo signing "
        "certificate for every current unit without one, plus the province-wide fallback. "
        "For demonstrations only: production loads real certificates (signing load-p12)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_pki(actor="cli")
        self.stdout.write(
            f"motcua signing demo-pki: authority “{summary.authority}” ({demo_dir()}), "
            f"{summary.issued} certificates issued, {summary.kept} kept."
        )
