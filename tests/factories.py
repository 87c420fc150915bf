"""factory_boy factories, with traits for the dossier states the tests need.

Units come with valid parent links (an agency or district under a province, a commune
under a district). A dossier built by :class:`DossierFactory` is consistent whatever
traits are combined: its dates match its status, its derived columns are recomputed from
its JSON collections (``derive_flags``), its personal data is encrypted with masked copies,
and it has version 1 with its one ``created`` event.

    DossierFactory(processing=True)
    DossierFactory(finished_late=True, online=True, digitized=True)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from motcua.dossiers import pii as personal_data
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.history import content_fields, content_hash, diff
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    OnlinePaid,
    Payment,
    Status,
)
from motcua.procedures.models import (
    Field,
    Procedure,
    ServiceLevel,
    ServiceLevelVersion,
    TimeUnit,
)
from motcua.units.models import Level, Unit, UnitParent

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Thursday 1 August 2024, 08:00 local: the default submission moment.
BASE = dt.datetime(2024, 8, 1, 8, 0, tzinfo=VN)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def dvcqg(moment: dt.datetime | None) -> str:
    return moment.astimezone(VN).strftime("%Y%m%d%H%M%S") if moment else ""


# --- units -----------------------------------------------------------------------------


class UnitParentFactory(DjangoModelFactory[UnitParent]):
    class Meta:
        model = UnitParent

    unit = factory.SubFactory("tests.factories.UnitFactory")
    parent = factory.SubFactory("tests.factories.UnitFactory")
    valid_from = None
    valid_to = None


def _province_code(n: int) -> str:
    return f"{LETTERS[(n // 100) % 26]}{n % 100:02d}"


class UnitFactory(DjangoModelFactory[Unit]):
    """A province (UBND tỉnh); the subclasses sit under a parent, linked by UnitParent."""

    class Meta:
        model = Unit
        skip_postgeneration_save = True

    class Params:
        parent = None

    level = Level.PROVINCE
    code = factory.Sequence(_province_code)
    gso_code = factory.Sequence(lambda n: f"{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    valid_from = None
    valid_to = None
    parent_link = factory.Maybe(
        "parent",
        yes_declaration=factory.RelatedFactory(
            UnitParentFactory,
            factory_related_name="unit",
            parent=factory.SelfAttribute("..parent"),
        ),
        no_declaration=None,
    )


def _child_code(unit: Any, n: int) -> str:
    return f"{unit.parent.code}.{n % 90 + 10:02d}"


class AgencyFactory(UnitFactory):
    """Sở, ban, ngành under a province."""

    class Params:
        parent = factory.SubFactory(UnitFactory)

    level = Level.AGENCY
    code = factory.LazyAttributeSequence(_child_code)
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")


class DistrictFactory(UnitFactory):
    class Params:
        parent = factory.SubFactory(UnitFactory)

    level = Level.DISTRICT
    code = factory.LazyAttributeSequence(_child_code)
    name = factory.Sequence(lambda n: f"Huyện Thử Nghiệm {n}")
    valid_to = dt.date(2025, 6, 30)


class CommuneFactory(UnitFactory):
    class Params:
        parent = factory.SubFactory(DistrictFactory)

    level = Level.COMMUNE
    code = factory.LazyAttributeSequence(_child_code)
    gso_code = factory.Sequence(lambda n: f"{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")


# --- procedures ------------------------------------------------------------------------


class FieldFactory(DjangoModelFactory[Field]):
    class Meta:
        model = Field

    code = factory.Sequence(lambda n: f"LV{n:04d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ServiceLevelVersionFactory(DjangoModelFactory[ServiceLevelVersion]):
    class Meta:
        model = ServiceLevelVersion

    procedure = factory.SubFactory("tests.factories.ProcedureFactory", service_levels=[])
    level = ServiceLevel.FULL
    valid_from = dt.date(2023, 1, 1)


class ProcedureFactory(DjangoModelFactory[Procedure]):
    """A procedure with 5 working days; ``service_levels=[(date, level), ...]`` for history.

    By default it is fully online (toàn trình) from 2023-01-01.
    """

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    applies_agency = True
    applies_district = True
    applies_commune = True
    time_limit = Decimal(5)
    time_limit_unit = TimeUnit.WORKING_DAYS

    @factory.post_generation
    def service_levels(obj: Procedure, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        versions = [(dt.date(2023, 1, 1), ServiceLevel.FULL)] if extracted is None else extracted
        for valid_from, level in versions:
            ServiceLevelVersion.objects.create(procedure=obj, level=level, valid_from=valid_from)


# --- dossiers --------------------------------------------------------------------------


def _present(item: dict[str, str]) -> dict[str, str]:
    """Empty values left out, as in DVCQG's canonical form (see motcua.dossiers.formats)."""
    return {key: value for key, value in item.items() if value}


def _component(digitized: bool = False, reused: bool = False) -> dict[str, str]:
    return _present(
        {
            "TenTepDinhKem": "to_khai.pdf",
            "MaThanhPhanHoSo": "TP01",
            "DuongDanTaiTepTin": "https://files.example/to_khai.pdf" if digitized else "",
            "DuocSoHoa": "1" if digitized else "0",
            "DuocTaiSuDung": "1" if reused else "0",
            "DuocLayTuKhoDMQG": "0",
            "IsDeleted": "0",
        }
    )


def _supplement(dossier: Any, supplied: bool) -> dict[str, str]:
    requested = dossier.received_at + dt.timedelta(days=1)
    back = requested + dt.timedelta(days=2)
    return _present(
        {
            "NgayBoSung": dvcqg(requested),
            "NguoiYeuCauBoSung": "factory",
            "NoiDungBoSung": "Bổ sung giấy tờ",
            "NgayHenTraTruoc": dvcqg(dossier.due_at - dt.timedelta(days=2) * supplied),
            "NgayTiepNhanBoSung": dvcqg(back) if supplied else "",
            "NgayHenTraMoi": dvcqg(dossier.due_at) if supplied else "",
            "TrangThaiBoSung": "1" if supplied else "0",
        }
    )


class PaymentFactory(DjangoModelFactory[Payment]):
    class Meta:
        model = Payment

    dossier = factory.SubFactory("tests.factories.DossierFactory")
    reference = factory.Sequence(lambda n: f"PAY{n:08d}")
    amount = 50_000
    channel = Payment.Channel.ONLINE
    gateway = "dvcqg"
    platform_flag = OnlinePaid.NATIONAL
    state = Payment.State.SUCCESS
    at = factory.LazyAttribute(lambda o: o.dossier.received_at or o.dossier.submitted_at)


def _after(attr: str, **delta: float) -> Any:
    return factory.LazyAttribute(lambda o: getattr(o, attr) + dt.timedelta(**delta))


RECEIVED = {
    "received_at": _after("submitted_at", hours=1),
    "due_at": _after("received_at", days=7),
}


class DossierFactory(DjangoModelFactory[Dossier]):
    """A dossier; the default is newly submitted (1) at the counter."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    class Params:
        applicant_id = factory.Sequence(lambda n: f"0010{n:08d}")
        phone = "0912345678"

        submitted = factory.Trait(status=Status.SUBMITTED)
        received = factory.Trait(status=Status.RECEIVED, **RECEIVED)
        processing = factory.Trait(status=Status.PROCESSING, **RECEIVED)
        supplement_requested = factory.Trait(
            status=Status.SUPPLEMENT_REQUESTED,
            **RECEIVED,
            supplements=factory.LazyAttribute(lambda o: [_supplement(o, supplied=False)]),
        )
        supplemented = factory.Trait(
            status=Status.PROCESSING,
            **RECEIVED,
            supplements=factory.LazyAttribute(lambda o: [_supplement(o, supplied=True)]),
        )
        finished_on_time = factory.Trait(
            status=Status.PROCESSED, **RECEIVED, finished_at=_after("due_at", days=-1)
        )
        finished_late = factory.Trait(
            status=Status.PROCESSED, **RECEIVED, finished_at=_after("due_at", days=2)
        )
        returned = factory.Trait(
            status=Status.RETURNED,
            **RECEIVED,
            finished_at=_after("due_at", days=-1),
            returned_at=_after("finished_at", hours=2),
            results=factory.LazyAttribute(
                lambda o: [
                    {
                        "TenGiayTo": "Giấy chứng nhận",
                        "MaGiayToKetQua": f"KQ-{o.code}",
                        "DuongDanTepTinKetQua": "https://files.example/kq.pdf",
                    }
                ]
            ),
        )
        refused = factory.Trait(
            status=Status.REFUSED,
            refused_at=_after("submitted_at", hours=2),
            finished_at=factory.SelfAttribute("refused_at"),
        )
        withdrawn = factory.Trait(
            status=Status.WITHDRAWN, **RECEIVED, finished_at=_after("received_at", days=1)
        )
        online = factory.Trait(
            channel=Channel.ONLINE,
            submitted_place="Cổng Dịch vụ công quốc gia",
            portal_account_id=factory.Sequence(lambda n: f"acc-{n}"),
            vneid_verified=True,
        )
        counter = factory.Trait(channel=Channel.COUNTER, submitted_place="Bộ phận một cửa")
        digitized = factory.Trait(
            components=factory.LazyFunction(lambda: [_component(digitized=True)]),
            results=factory.LazyAttribute(
                lambda o: [
                    {
                        "TenGiayTo": "Kết quả",
                        "MaGiayToKetQua": f"KQ-{o.code}",
                        "DuongDanTepTinKetQua": "https://files.example/kq.pdf",
                    }
                ]
            ),
        )
        reused = factory.Trait(
            components=factory.LazyFunction(lambda: [_component(digitized=True, reused=True)])
        )
        paid_online = factory.Trait(
            online_paid=OnlinePaid.NATIONAL,
            fees=factory.LazyFunction(
                lambda: [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "Gia": "50000"}]
            ),
            payment=factory.RelatedFactory(
                PaymentFactory, factory_related_name="dossier", amount=50_000
            ),
        )

    procedure = factory.SubFactory(ProcedureFactory)
    unit = factory.SubFactory(AgencyFactory)
    channel = Channel.COUNTER
    status = Status.SUBMITTED
    submitted_at = BASE
    code = factory.LazyAttributeSequence(
        lambda o, n: f"{o.unit.identifier}-{o.submitted_at.astimezone(VN):%y%m%d}-{n % 10000:04d}"
    )
    applicant_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    applicant_id_masked = factory.LazyAttribute(lambda o: personal_data.mask(o.applicant_id))
    applicant_id_hash = factory.LazyAttribute(lambda o: personal_data.id_hash(o.applicant_id))
    phone_masked = factory.LazyAttribute(lambda o: personal_data.mask(o.phone))
    pii = factory.LazyAttribute(
        lambda o: personal_data.encrypt({"SoGiayToChuHoSo": o.applicant_id, "SoDienThoai": o.phone})
    )
    components = factory.LazyFunction(lambda: [_component()])
    version = 1

    @classmethod
    def _after_postgeneration(cls, instance: Dossier, create: bool, results: Any = None) -> None:
        """Payments made by traits are part of the DVCQG record: hash again after them."""
        if create:
            instance.content_hash = content_hash(instance)
            Dossier.objects.filter(pk=instance.pk).update(content_hash=instance.content_hash)

    @classmethod
    def _create(cls, model_class: type[Dossier], *args: Any, **kwargs: Any) -> Dossier:
        """Derive the flag columns and the content hash; write the ``created`` event."""
        kwargs.update(
            derive_flags(
                kwargs.get("components", []),
                kwargs.get("fees", []),
                kwargs.get("results", []),
                kwargs.get("supplements", []),
            )
        )
        dossier = model_class(*args, **kwargs)
        dossier.content_hash = content_hash(dossier)
        dossier.save(force_insert=True)
        DossierEvent.objects.create(
            dossier=dossier,
            seq=1,
            kind=DossierEvent.Kind.CREATED,
            occurred_at=dossier.submitted_at,
            actor_label="factory",
            changes=diff({}, content_fields(dossier)),
        )
        return dossier
