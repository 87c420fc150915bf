"""The one-stop cast: a commune with a counter officer and a processing officer, another
unit's officer who must see nothing, and a procedure of 5 working days.

* mai — one-stop officer (cán bộ một cửa) of the commune C (H67.30.01);
* nam — processing officer (chuyên viên) of the same commune;
* lan — processing officer of another commune (H67.31.01): sees none of C's dossiers;
* hoa — unit leader of C: may view dossiers but neither receive nor process them.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.services import create_dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from tests import browser
from tests.accounts.cast import PASSWORD, password_hash
from tests.factories import VN, CommuneFactory, DistrictFactory, ProcedureFactory, UnitFactory

# Monday 5 August 2024, 09:00 local.
MONDAY = dt.datetime(2024, 8, 5, 9, 0, tzinfo=VN)


@dataclass
class Desk:
    commune: Unit
    other: Unit
    procedure: Procedure
    mai: User
    nam: User
    lan: User
    hoa: User

    def receive(self, **kwargs: Any) -> Dossier:
        """A paper dossier received at the commune's counter by mai."""
        kwargs.setdefault("channel", Channel.COUNTER)
        kwargs.setdefault("received_at", MONDAY)
        kwargs.setdefault("applicant_name", "Nguyễn Văn An")
        kwargs.setdefault("applicant_id", "044090001234")
        kwargs.setdefault("phone", "0912345678")
        kwargs.setdefault("email", "an@example.vn")
        kwargs.setdefault("address", "Thôn 1, xã Ea T'Ling")
        kwargs.setdefault(
            "components", [{"TenThanhPhanHoSo": "Tờ khai đăng ký khai sinh", "DuocSoHoa": "0"}]
        )
        return create_dossier(procedure=self.procedure, unit=self.commune, actor=self.mai, **kwargs)


def _user(username: str, role: Role, units: list[Unit]) -> User:
    user = User.objects.create(username=username, password=password_hash(), first_name=username)
    grant(user, role, units)
    return user


def build_desk() -> Desk:
    """The cast, with demo signing certificates for both communes (signed results)."""
    from motcua.signing.credentials import demo_pki

    province = UnitFactory(code="H67", name="Tỉnh P")
    district = DistrictFactory(parent=province, code="H67.30", valid_to=None)
    commune = CommuneFactory(parent=district, code="H67.30.01", name="UBND xã Ea T'Ling")
    other_district = DistrictFactory(parent=province, code="H67.31", valid_to=None)
    other = CommuneFactory(parent=other_district, code="H67.31.01", name="UBND xã Khác")
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    demo_pki([commune, other])
    return Desk(
        commune=commune,
        other=other,
        procedure=procedure,
        mai=_user("mai", Role.ONE_STOP_OFFICER, [commune]),
        nam=_user("nam", Role.PROCESSING_OFFICER, [commune]),
        lan=_user("lan", Role.PROCESSING_OFFICER, [other]),
        hoa=_user("hoa", Role.UNIT_LEADER, [commune]),
    )


@pytest.fixture(autouse=True)
def signing_dir(settings: Any, tmp_path: Path) -> Path:
    """Demo certificates in a temporary SIGNING_DIR (never the developer's var/)."""
    settings.SIGNING_DIR = tmp_path / "signing"
    settings.SIGNING_TRUST_ROOTS = []
    return Path(settings.SIGNING_DIR)


@pytest.fixture
def desk(db: Any) -> Desk:
    return build_desk()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of a form as poppler's pdftotext reads it (layout kept)."""
    return browser.pdf_text(data, tmp_path, layout=True)


def pdf_page_size(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return next(line for line in out.stdout.splitlines() if line.startswith("Page size"))


__all__ = ["MONDAY", "PASSWORD", "Desk", "build_desk", "pdf_page_size", "pdf_text"]
