"""The printable forms: PDF downloads for staff (forms 01–05 per dossier, 06 per unit)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.accounts.scope import require_unit
from motcua.onestop import access, documents
from motcua.units.models import Unit


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def form(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Form 01–05 of a dossier (the URL names the form: ``onestop:receipt`` …)."""
    dossier = access.staff_dossier(request.user, code)
    data = access.form_pdf(
        dossier, number, base_url=request.build_absolute_uri("/"), actor=request.user
    )
    return pdf_response(data, f"{documents.FORMS[number].slug}-{dossier.code}.pdf")


def _day(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404("bad date") from None


@require_GET
def register(request: HttpRequest, unit_code: str) -> HttpResponse:
    """Form 06 for a unit; ``?tu=YYYY-MM-DD&den=YYYY-MM-DD`` (default: this month)."""
    access.require_any(request.user, *access.DESK_CAPABILITIES)
    unit = get_object_or_404(Unit, code=unit_code)
    require_unit(request.user, unit)
    today = timezone.localdate()
    start = _day(request.GET.get("tu"), today.replace(day=1))
    end = _day(request.GET.get("den"), today)
    if end < start or (end - start).days > 366:
        raise Http404("bad period")
    data = documents.register(unit, start, end)
    return pdf_response(data, f"so-theo-doi-{unit_code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
