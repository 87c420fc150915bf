"""Signing fixtures: the access cast (tests.accounts.cast), a demo PKI in a temporary
SIGNING_DIR, a processing officer per district, and dossiers ready for a result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from motcua.accounts.roles import Role
from motcua.dossiers.models import Dossier
from motcua.signing.access import portal_account_id
from motcua.signing.credentials import demo_pki
from tests.accounts.cast import Cast, _user, build_cast
from tests.factories import DossierFactory, ProcedureFactory


@pytest.fixture(autouse=True)
def signing_dir(settings: Any, tmp_path: Path) -> Path:
    settings.SIGNING_DIR = tmp_path / "signing"
    settings.SIGNING_TRUST_ROOTS = []
    return Path(settings.SIGNING_DIR)


@dataclass
class World:
    cast: Cast
    erin: User  # processing officer of D1 (sees D1 and C1)
    frank: User  # processing officer of D2
    citizen: User
    dossier: Dossier  # processing at C1, filed online by ``citizen``
    other: Dossier  # processing at C2


def build_world() -> World:
    cast = build_cast()
    demo_pki([cast.province, cast.d1, cast.c1, cast.d2, cast.c2, cast.agency])
    erin = _user("erin", Role.PROCESSING_OFFICER, [cast.d1])
    frank = _user("frank", Role.PROCESSING_OFFICER, [cast.d2])
    citizen = _user("citizen", None, [])
    procedure = ProcedureFactory(name="Cấp giấy phép xây dựng nhà ở riêng lẻ")
    dossier = DossierFactory(
        processing=True,
        unit=cast.c1,
        procedure=procedure,
        applicant_name="Nguyễn Thị Ánh Tuyết",
        portal_account_id=portal_account_id(citizen),
    )
    other = DossierFactory(processing=True, unit=cast.c2, procedure=procedure)
    return World(cast, erin, frank, citizen, dossier, other)


@pytest.fixture
def world(db: None) -> World:
    return build_world()
