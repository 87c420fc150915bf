"""The one-stop forms of TT 01/2018/TT-VPCP as PDF (WeasyPrint, imported lazily).

- 01 receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả), A5, with a
  QR code to the public status page;
- 02 supplement request (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ);
- 03 refusal (phiếu từ chối tiếp nhận giải quyết hồ sơ);
- 04 apology and new appointment date (phiếu xin lỗi và hẹn lại ngày trả kết quả);
- 05 process control slip (phiếu kiểm soát quá trình giải quyết hồ sơ);
- 06 dossier register of a unit for a period (sổ theo dõi hồ sơ).

Each builder reads the dossier (never changes it) and returns the PDF bytes. Personal
data: the forms carry the applicant's name; form 01 also the address (for the return of
the result) and the masked phone number. Reading the address is an access to encrypted
personal data and is recorded in the audit trail by :func:`receipt`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from motcua.audit import log as audit
from motcua.dossiers import pii
from motcua.dossiers.history import Actor
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.workflow import from_dvcqg
from motcua.procedures.models import TimeUnit
from motcua.units.models import Unit

# Personal-data key for the applicant's address inside Dossier.pii (motcua extension).
ADDRESS_KEY = "DiaChiChuHoSo"


@dataclass(frozen=True)
class Form:
    number: int
    slug: str  # the URL's file name
    title: str  # the official title (Vietnamese: the forms are legal documents)


FORMS: dict[int, Form] = {
    1: Form(1, "phieu-tiep-nhan", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    2: Form(2, "phieu-yeu-cau-bo-sung", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    3: Form(3, "phieu-tu-choi", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    4: Form(4, "phieu-xin-loi", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    5: Form(5, "phieu-kiem-soat", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    6: Form(6, "so-theo-doi", "SỔ THEO DÕI HỒ SƠ"),
}

# Forms the applicant receives (and may download from the portal); 05 and 06 are internal.
APPLICANT_FORMS = frozenset({1, 2, 3, 4})


class FormNotAvailable(Exception):
    """The dossier has no such form yet (no supplement request, no refusal, no apology)."""


# --- formatting ---------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_text(moment: dt.datetime | dt.date | None) -> str:
    """``05/08/2024`` (local date), "" for None."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(_zone()).date()
    return f"{moment:%d/%m/%Y}"


def moment_text(moment: dt.datetime | None) -> str:
    """``08 giờ 30 phút, ngày 05/08/2024`` (local time), as the forms write it."""
    if moment is None:
        return ""
    at = moment.astimezone(_zone())
    return f"{at:%H} giờ {at:%M} phút, ngày {at:%d/%m/%Y}"


def place_date(moment: dt.datetime) -> str:
    at = moment.astimezone(_zone())
    return f"ngày {at:%d} tháng {at:%m} năm {at:%Y}"


def time_limit_text(limit: Decimal, unit: str) -> str:
    number = f"{limit.normalize():f}".replace(".", ",")
    return f"{number} {TimeUnit(unit).label}"


def status_url(code: str, base_url: str) -> str:
    """The public status page of a dossier (portal:status, ``/tra-cuu/<code>/``)."""
    try:
        path = reverse("portal:status", args=[code])
    except NoReverseMatch:  # the portal app is not installed here
        path = f"/tra-cuu/{code}/"
    return base_url.rstrip("/") + path


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an inline SVG data URI (no file, no network)."""
    import segno

    return str(segno.make(text, error="m").svg_data_uri(scale=4, border=2))


def component_rows(dossier: Dossier) -> list[dict[str, str]]:
    """The live components as the forms list them: name, form (paper copy or file)."""
    rows = []
    for item in dossier.components:
        if str(item.get("IsDeleted") or "0") == "1":
            continue
        name = item.get("TenThanhPhanHoSo") or item.get("TenTepDinhKem") or ""
        if item.get("DuocLayTuKhoDMQG") == "1" or item.get("DuocTaiSuDung") == "1":
            kind = "Tái sử dụng từ kho dữ liệu"
        elif item.get("DuongDanTaiTepTin"):
            kind = "Bản điện tử"
        else:
            kind = "Bản giấy"
        rows.append({"name": str(name), "kind": kind, "count": str(item.get("SoLuong") or "1")})
    return rows


# --- rendering ----------------------------------------------------------------------------


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Print a form template with WeasyPrint; the forms are always in Vietnamese."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(template, context)
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _base(dossier: Dossier, form: Form, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "form": form,
        "dossier": dossier,
        "unit": dossier.unit,
        "procedure": dossier.procedure,
        "place_date": place_date(now),
    }


def reveal_address(dossier: Dossier, *, actor: Actor, purpose: str) -> str:
    """The applicant's address from the encrypted personal data; the read is audited."""
    address = str(pii.reveal(dossier.pii).get(ADDRESS_KEY) or "")
    if address:
        audit.record(
            "dossier.pii.read",
            actor=actor,
            object_type="dossier",
            object_id=dossier.pk,
            code=dossier.code,
            fields=[ADDRESS_KEY],
            purpose=purpose,
        )
    return address


def receipt(dossier: Dossier, *, base_url: str, actor: Actor) -> bytes:
    """Form 01, A5: what was received, when, and when the result will be returned."""
    if dossier.received_at is None:
        raise FormNotAvailable("dossier not received yet")
    url = status_url(dossier.code, base_url)
    context = _base(dossier, FORMS[1], dossier.received_at)
    context.update(
        address=reveal_address(dossier, actor=actor, purpose="form01"),
        components=component_rows(dossier),
        time_limit=time_limit_text(dossier.procedure.time_limit, dossier.procedure.time_limit_unit),
        received=moment_text(dossier.received_at),
        due=moment_text(dossier.due_at),
        status_url=url,
        qr=qr_data_uri(url),
        receiver=_step_actor(dossier, Status.RECEIVED) or _creator(dossier),
    )
    return render_pdf("onestop/forms/01_receipt.html", context)


def _last_step(dossier: Dossier, status: Status) -> dict[str, Any] | None:
    """The last processing step (QuaTrinhXuLy) into ``status``."""
    for step in reversed(dossier.steps):
        if str(step.get("TrangThai")) == str(status.value):
            return dict(step)
    return None


def _step_actor(dossier: Dossier, status: Status) -> str:
    step = _last_step(dossier, status)
    return str(step.get("NguoiXuLy") or "") if step else ""


def _creator(dossier: Dossier) -> str:
    """Who created the dossier (the counter officer, for a dossier received at once)."""
    first = dossier.events.order_by("seq").values_list("actor_label", flat=True).first()
    return first or ""


def supplement_request(dossier: Dossier, index: int | None = None) -> bytes:
    """Form 02: what the applicant must add or correct (the last request by default)."""
    if not dossier.supplements:
        raise FormNotAvailable("no supplement request")
    item = dossier.supplements[-1 if index is None else index]
    asked = from_dvcqg(str(item.get("NgayBoSung") or "")) or timezone.now()
    context = _base(dossier, FORMS[2], asked)
    context.update(
        request=str(item.get("NoiDungBoSung") or ""),
        officer=str(item.get("NguoiYeuCauBoSung") or ""),
        asked=moment_text(asked),
        received=moment_text(dossier.received_at or dossier.submitted_at),
    )
    return render_pdf("onestop/forms/02_supplement.html", context)


def refusal(dossier: Dossier) -> bytes:
    """Form 03: the dossier is not accepted, with the reasons."""
    step = _last_step(dossier, Status.REFUSED)
    if dossier.status != Status.REFUSED or step is None:
        raise FormNotAvailable("dossier not refused")
    context = _base(dossier, FORMS[3], dossier.refused_at)
    context.update(
        reason=str(step.get("NoiDungXuLy") or ""),
        officer=str(step.get("NguoiXuLy") or ""),
        submitted=moment_text(dossier.submitted_at),
    )
    return render_pdf("onestop/forms/03_refusal.html", context)


def apology(dossier: Dossier, number: int | None = None) -> bytes:
    """Form 04: the unit apologises and gives the new appointment date."""
    from motcua.onestop.models import Apology

    rows = Apology.objects.filter(dossier=dossier).order_by("number")
    item = rows.filter(number=number).first() if number else rows.last()
    if item is None:
        raise FormNotAvailable("no apology")
    context = _base(dossier, FORMS[4], item.at)
    context.update(
        apology=item,
        received=day_text(dossier.received_at),
        old_due=moment_text(item.old_due_at),
        new_due=moment_text(item.new_due_at),
        late=item.at > item.old_due_at,
    )
    return render_pdf("onestop/forms/04_apology.html", context)


def _timing(at: dt.datetime | None, due: dt.datetime | None) -> str:
    if at is None or due is None:
        return ""
    at_day, due_day = at.astimezone(_zone()).date(), due.astimezone(_zone()).date()
    if at_day < due_day:
        return "Trước hạn"
    return "Đúng hạn" if at <= due else "Quá hạn"


def control_slip(dossier: Dossier) -> bytes:
    """Form 05: every hand-over and step, with whether it came before, on or after the due
    date."""
    rows = []
    for step in dossier.steps:
        at = from_dvcqg(str(step.get("ThoiDiemXuLy") or ""))
        status = step.get("TrangThai")
        label = Status(int(status)).label if str(status or "").isdigit() else ""
        rows.append(
            {
                "at": moment_text(at),
                "who": str(step.get("NguoiXuLy") or ""),
                "status": str(label),
                "content": str(step.get("NoiDungXuLy") or ""),
                "timing": _timing(at, dossier.due_at),
            }
        )
    context = _base(dossier, FORMS[5])
    context.update(
        rows=rows,
        received=moment_text(dossier.received_at),
        due=moment_text(dossier.due_at),
        assignments=list(dossier.assignments.select_related("officer").order_by("at")),
    )
    return render_pdf("onestop/forms/05_control.html", context)


def register_rows(dossiers: Sequence[Dossier]) -> list[dict[str, str]]:
    rows = []
    for d in dossiers:
        supplement = d.supplements[-1] if d.supplements else {}
        note = []
        if d.status in (Status.REFUSED, Status.STOPPED, Status.WITHDRAWN):
            note.append(str(Status(d.status).label))
        if supplement:
            note.append(f"Bổ sung {len(d.supplements)} lần")
        rows.append(
            {
                "code": d.code,
                "procedure": d.procedure.name,
                "applicant": d.applicant_name,
                "phone": d.phone_masked,
                "received": day_text(d.received_at),
                "due": day_text(d.due_at),
                "supplement": day_text(from_dvcqg(str(supplement.get("NgayBoSung") or ""))),
                "finished": day_text(d.finished_at if d.status != Status.REFUSED else None),
                "returned": day_text(d.returned_at),
                "note": "; ".join(note),
            }
        )
    return rows


def register(unit: Unit, start: dt.date, end: dt.date) -> bytes:
    """Form 06: the dossiers a unit received from ``start`` to ``end`` (local dates,
    inclusive), in code order."""
    zone = _zone()
    since = dt.datetime.combine(start, dt.time.min, zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
    dossiers = (
        Dossier.objects.filter(unit=unit, received_at__gte=since, received_at__lt=until)
        .select_related("procedure")
        .order_by("received_at", "code")
    )
    context = {
        "form": FORMS[6],
        "unit": unit,
        "start": day_text(start),
        "end": day_text(end),
        "rows": register_rows(list(dossiers)),
        "place_date": place_date(timezone.now()),
    }
    return render_pdf("onestop/forms/06_register.html", context)
