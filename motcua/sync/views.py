"""The operator page (staff only) and the inbound sync endpoint."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.accounts.roles import is_unrestricted
from motcua.dossiers.ingest import ImportReport
from motcua.sync import inbound, status

LIMIT = 100


@staff_member_required
def outbox_page(request: HttpRequest) -> HttpResponse:
    """Pending, failing (with the endpoint's answer) and stuck rows, with retry buttons.
    Province-wide: for administrators only (others: 404)."""
    _require_administrator(request)
    context = {
        "overview": status.overview(),
        "failing": status.listing("failing").order_by("next_attempt_at")[:LIMIT],
        "stuck": status.listing("stuck").order_by("next_attempt_at")[:LIMIT],
        "pending": status.listing("pending").order_by("enqueued_at")[:LIMIT],
    }
    return render(request, "sync/outbox.html", context)


@staff_member_required
@require_POST
def retry(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    code = request.POST.get("code", "").strip()
    count = status.retry([code] if code else None, actor=request.user)
    messages.success(request, _("Đã đặt gửi lại %(n)d hồ sơ.") % {"n": count})
    return redirect("sync:outbox")


def _require_administrator(request: HttpRequest) -> None:
    if not is_unrestricted(request.user):
        raise Http404


def _report_json(report: ImportReport) -> dict[str, object]:
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "error_count": report.error_count,
        "errors": [
            {
                "where": e.where,
                "MaHoSo": e.code,
                "field": e.field,
                "value": e.value,
                "reason": e.reason,
            }
            for e in report.errors
        ],
    }


def _error(status_code: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status_code)


@csrf_exempt
@require_POST
def receive_dossiers(request: HttpRequest) -> HttpResponse:
    """``POST /api/sync/dossiers`` with ``Authorization: Bearer <key>`` (or ``X-API-Key``)."""
    header = request.headers.get("Authorization", "")
    key = (
        header[7:].strip() if header.startswith("Bearer ") else request.headers.get("X-API-Key", "")
    )
    try:
        with inbound.slot():
            return _receive(request, key)
    except inbound.Busy:
        response = _error(429, "too many imports running; retry later")
    except DatabaseError:  # e.g. no connection to be had: nothing was written
        response = _error(503, "database unavailable; retry later")
    response["Retry-After"] = str(inbound.Busy.retry_after)
    return response


def _receive(request: HttpRequest, key: str) -> HttpResponse:
    source = inbound.authenticate(key)
    if source is None:
        return _error(401, "missing or unknown API key")
    try:
        records = inbound.records_of(json.loads(request.body))
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"body: {exc}")
    report = inbound.receive(source, records)
    if any(e.source == "database" for e in report.errors):
        response = JsonResponse(_report_json(report), status=503)
        response["Retry-After"] = str(inbound.Busy.retry_after)
        return response
    return JsonResponse(_report_json(report), status=200 if report.ok else 422)
