"""Links to what other apps own: form 01 (onestop), the signed result (signing), the
payment link (payments). Each app may be absent; a link that cannot be made is not shown.

- Forms 01–04 come from the desk (``onestop.access.applicant_form``), served to the
  citizen by ``portal:form``; form 01 exists once the dossier is received, until then the
  citizen has the portal's own submission confirmation (``portal:confirmation``).
- Results are listed from ``Dossier.results`` (DanhSachGiayToKetQua): the signing app
  records each signed result there with its download link (``signing:download``).
- The payment link is ``motcua.payments.links.pay_url`` when payments is installed.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.urls import reverse

from motcua.dossiers.models import Dossier, OnlinePaid, Payment, Status


def form_url(dossier: Dossier, number: int) -> str | None:
    """The portal's link to official form ``number`` (01–04) of the citizen's dossier, when
    the desk app is there and the dossier has that form: 01 once received, 02 while a
    supplement is requested, 03 once refused, 04 once an apology was issued."""
    if not apps.is_installed("motcua.onestop"):
        return None
    available = {
        1: dossier.received_at is not None,
        2: dossier.status == Status.SUPPLEMENT_REQUESTED,
        3: dossier.status == Status.REFUSED,
        4: number == 4 and dossier.apologies.exists(),
    }
    if not available.get(number):
        return None
    return reverse("portal:form", kwargs={"code": dossier.code, "number": number})


def receipt_url(dossier: Dossier) -> str | None:
    """Form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả), once the dossier is received."""
    return form_url(dossier, 1)


def results(dossier: Dossier) -> list[dict[str, Any]]:
    """The result documents that have a file link, newest version last."""
    return [dict(r) for r in dossier.results if r.get("DuongDanTepTinKetQua")]


def outstanding(dossier: Dossier) -> int:
    """What is still owed (VND): the payments app's summary, else fees minus successes."""
    if apps.is_installed("motcua.payments"):
        from motcua.payments.services import summary

        return int(summary(dossier).outstanding)
    if dossier.fee_total <= 0 or dossier.online_paid != OnlinePaid.NO:
        return 0
    paid = sum(
        dossier.payments.filter(state=Payment.State.SUCCESS).values_list("amount", flat=True)
    )
    return max(0, dossier.fee_total - paid)


def payment_url(dossier: Dossier) -> str | None:
    if not apps.is_installed("motcua.payments") or outstanding(dossier) <= 0:
        return None
    from motcua.payments.links import pay_url

    return str(pay_url(dossier))
