"""The demo citizen (docs/demo.md): a local portal account with one document in its data
store, so that online filing and reuse can be tried at once.

Created by ``motcua demo`` (and ``motcua portal demo``) only when the demo province is
there; an existing account is left as it is. The password is the staff demo accounts'
(:data:`motcua.accounts.demo.DEMO_PASSWORD`), written in README.md.
"""

from __future__ import annotations

import io

from django.contrib.auth.models import User
from django.db import transaction

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.files import services, store
from motcua.portal import citizens
from motcua.units.models import Unit

DEMO_CITIZEN_EMAIL = "congdan@motcua.demo"
DEMO_CITIZEN_NAME = "Nguyễn Văn Dân"
DEMO_CITIZEN_ID = "067090001234"


def _identity_copy_pdf() -> bytes:
    """A one-page PDF standing for a scanned ID card copy (drawn with Pillow)."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((60, 80, 535, 380), outline="black", width=3)
    for line, text in enumerate(
        ("CAN CUOC CONG DAN (BAN SAO - DU LIEU MAU)", DEMO_CITIZEN_ID, "NGUYEN VAN DAN")
    ):
        draw.text((90, 120 + 60 * line), text, fill="black")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF")
    return buffer.getvalue()


def create_demo_citizen() -> str | None:
    """Create the demo citizen; returns its username, or None (no demo, or present)."""
    if not Unit.objects.filter(code="H67").exists():
        return None
    if User.objects.filter(username=DEMO_CITIZEN_EMAIL).exists():
        return None
    with transaction.atomic():
        user = citizens.sign_up(
            email=DEMO_CITIZEN_EMAIL,
            password=DEMO_PASSWORD,
            full_name=DEMO_CITIZEN_NAME,
            id_number=DEMO_CITIZEN_ID,
            phone="0901234567",
        )
        stored = services.store_bytes(_identity_copy_pdf(), "cccd_ban_sao.pdf", actor="demo")
        store.store_component(
            store.owner(account=user),
            stored,
            title="Bản sao căn cước công dân",
            code="TP2",
            actor="demo",
        )
    return user.username
