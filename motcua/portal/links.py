"""Links to what other apps own: form 01 (onestop), the signed result (signing), the
payment link (payments). A link that does not apply to the dossier yet is not shown.

- Forms 01–04 come from the desk (``onestop.access.applicant_form``), served to the
  citizen by ``portal:form``; form 01 exists once the dossier is received, until then the
  citizen has the portal's own submission confirmation (``portal:confirmation``).
- Results are listed from ``Dossier.results`` (DanhSachGiayToKetQua): the signing app
  records each signed result there with its download link (``signing:download``).
- What is owed and the payment link come from the payments app (``summary``, ``pay_url``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.dossiers.models import Dossier, Status
from motcua.payments.links import pay_url
from motcua.payments.services import summary


def form_url(dossier: Dossier, number: int) -> str | None:
    """The portal's link to official form ``number`` (01–04) of the citizen's dossier, when
    the dossier has that form: 01 once received, 02 while a supplement is requested, 03 once
    refused, 04 once an apology was issued."""
    available = {
        1: lambda: dossier.received_at is not None,
        2: lambda: dossier.status == Status.SUPPLEMENT_REQUESTED,
        3: lambda: dossier.status == Status.REFUSED,
        4: lambda: dossier.apologies.exists(),
    }
    if number not in available or not available[number]():
        return None
    return reverse("portal:form", kwargs={"code": dossier.code, "number": number})


def receipt_url(dossier: Dossier) -> str | None:
    """Form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả), once the dossier is received."""
    return form_url(dossier, 1)


def results(dossier: Dossier) -> list[dict[str, Any]]:
    """The result documents that have a file link, newest version last."""
    return [dict(r) for r in dossier.results if r.get("DuongDanTepTinKetQua")]


def outstanding(dossier: Dossier) -> int:
    """What is still owed (VND), as the payments app counts it."""
    return int(summary(dossier).outstanding)


def payment_url(dossier: Dossier) -> str | None:
    if outstanding(dossier) <= 0:
        return None
    return str(pay_url(dossier))
