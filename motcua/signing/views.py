"""The download of a signed result and the public verification page.

Thin: authorise (motcua.signing.access), validate, then call one function. Downloads by
id need :func:`~motcua.signing.access.can_download`; downloads by public token need the
token. Anything else is a 404. Verification is public and rate-limited per client.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.audit import log as audit
from motcua.feedback.views import client_key
from motcua.signing import verify as verification
from motcua.signing.access import can_download
from motcua.signing.models import SignedResult, Verification
from motcua.signing.services import TOKEN_PREFIX

PDF_MAGIC = b"%PDF-"


def _find(request: HttpRequest, key: str) -> tuple[SignedResult, str]:
    rows = SignedResult.objects.select_related("dossier")
    if key.isdigit():
        result = rows.filter(pk=int(key)).first()
        if result is None or not can_download(request.user, result):
            raise Http404("result not found")
        return result, "account"
    if not key.startswith(TOKEN_PREFIX):
        raise Http404("result not found")
    result = rows.filter(public_token=key).first()
    if result is None:
        raise Http404("result not found")
    return result, "token"


def download(request: HttpRequest, key: str) -> HttpResponse:
    result, via = _find(request, key)
    with transaction.atomic():
        audit.record(
            "signing.download",
            actor=request.user if request.user.is_authenticated else "public-link",
            object_type="signed_result",
            object_id=result.pk,
            code=result.code,
            via=via,
        )
    response = HttpResponse(bytes(result.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{result.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _too_many(key: str) -> bool:
    since = timezone.now() - dt.timedelta(hours=1)
    recent = Verification.objects.filter(client_key=key, at__gte=since).count()
    return recent >= settings.SIGNING_VERIFY_PER_HOUR


def _page(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    context.setdefault("code", "")
    context["max_mb"] = settings.SIGNING_MAX_UPLOAD_MB
    return render(request, "signing/verify.html", context, status=status)


def _upload(request: HttpRequest) -> tuple[bytes | None, str]:
    """The uploaded PDF's bytes, or None with the reason it is refused."""
    upload = request.FILES.get("tep")
    if upload is None:
        return None, _("Chọn tệp PDF cần xác thực.")
    if upload.size is None or upload.size > settings.SIGNING_MAX_UPLOAD_MB * 1024 * 1024:
        return None, _("Tệp “%(name)s” lớn hơn %(mb)s MB.") % {
            "name": upload.name,
            "mb": settings.SIGNING_MAX_UPLOAD_MB,
        }
    data = upload.read()
    if not data.startswith(PDF_MAGIC):
        return None, _("Tệp “%(name)s” không phải tệp PDF.") % {"name": upload.name}
    return data, ""


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip() if request.method == "GET" else ""
    if request.method == "GET" and not code:
        return _page(request)
    key = client_key(request)
    if _too_many(key):
        response = _page(
            request,
            status=429,
            error=_("Bạn đã xác thực quá nhiều lần trong một giờ. Vui lòng thử lại sau."),
            code=code,
        )
        response["Retry-After"] = "3600"
        return response
    if code:
        result = SignedResult.objects.filter(code=code).first()
        if result is None:
            Verification.objects.create(client_key=key, method="code", outcome="unknown-code")
            error = _("Không tìm thấy kết quả có mã “%(code)s”.") % {"code": code}
            return _page(request, status=404, error=error, code=code)
        verdict = verification.verify_result(result)
        Verification.objects.create(
            client_key=key, method="code", result=result, outcome=verdict.outcome
        )
        return _page(request, verdict=verdict, code=code)
    data, error = _upload(request)
    if data is None:
        Verification.objects.create(client_key=key, method="upload", outcome="refused")
        return _page(request, status=400, error=error)
    verdict = verification.verify_pdf(data)
    Verification.objects.create(
        client_key=key, method="upload", result=verdict.result, outcome=verdict.outcome
    )
    return _page(request, verdict=verdict)
