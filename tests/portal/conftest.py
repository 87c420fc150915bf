"""A small portal world: a district with one commune, procedures by service level, and
two citizens (An and Bình) with local accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from motcua.portal import citizens
from motcua.procedures.models import Procedure, ProcedureFee, ServiceLevel
from motcua.units.models import Unit
from tests.factories import CommuneFactory, DistrictFactory, ProcedureFactory
from tests.files.conftest import media_root  # noqa: F401  (uploads in a temporary folder)

PASSWORD = "mat-khau-cong-dan-2024"
AN_ID = "001090012345"
BINH_ID = "079085000111"


@dataclass
class World:
    district: Unit
    commune: Unit
    full: Procedure
    partial: Procedure
    paper: Procedure
    an: User
    binh: User


def make_citizen(email: str, name: str, id_number: str) -> User:
    return citizens.sign_up(
        email=email, password=PASSWORD, full_name=name, id_number=id_number, phone="0912345678"
    )


def build_world() -> World:
    district = DistrictFactory(valid_to=None)
    commune = CommuneFactory(parent=district)
    full = ProcedureFactory(
        name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        applies_agency=False,
        applies_district=False,
        applies_commune=True,
    )
    ProcedureFee.objects.create(procedure=full, code="LP01", name="Lệ phí chứng thực", amount=2000)
    partial = ProcedureFactory(
        name="Đăng ký khai sinh",
        applies_agency=False,
        applies_district=False,
        service_levels=[(dt.date(2023, 1, 1), ServiceLevel.PARTIAL)],
    )
    paper = ProcedureFactory(
        name="Cấp giấy phép xây dựng",
        applies_agency=False,
        applies_commune=False,
        service_levels=[(dt.date(2023, 1, 1), ServiceLevel.NONE)],
    )
    an = make_citizen("an@example.vn", "Nguyễn Thị An", AN_ID)
    binh = make_citizen("binh@example.vn", "Trần Văn Bình", BINH_ID)
    return World(district, commune, full, partial, paper, an, binh)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Scrypt costs half a second per account; these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
