"""Pages of payments: the citizen's payment link, the gateway's return and notification
endpoints, and the staff pages (a dossier's payments, fee assessment, the counter, refunds,
the reconciliation report). Each page authorises, validates and calls one service."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.roles import Capability, has_capability, is_unrestricted
from motcua.accounts.scope import dossiers_for, visible_unit_ids
from motcua.audit import log as audit
from motcua.dossiers.models import Dossier, Payment
from motcua.payments import config, links, reconcile, services
from motcua.payments.gateways import Answer, BadSignature, GatewayError

log = logging.getLogger("motcua.payments")
# Bad signatures audited per client address and window (seconds); more are only logged.
BAD_SIGNATURE_LIMIT = 20
BAD_SIGNATURE_WINDOW = 600


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "127.0.0.1")


def _absolute(request: HttpRequest, path: str) -> str:
    from django.conf import settings

    if settings.PAYMENT_PUBLIC_URL:
        return settings.PAYMENT_PUBLIC_URL + path
    return request.build_absolute_uri(path)


# --- the citizen ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    """What the dossier owes, has paid and has pending; POST starts an online payment."""
    dossier = links.dossier_of(token)
    if dossier is None:
        raise Http404
    if request.method == "POST":
        return_url = _absolute(request, reverse("payments:return", args=[token]))
        try:
            _payment, url = services.start_online(
                dossier.pk, client_ip=client_ip(request), return_url=return_url
            )
        except (services.PaymentError, GatewayError) as exc:
            messages.error(request, str(exc))
            return redirect("payments:pay", token=token)
        return redirect(url)
    context = {
        "dossier": dossier,
        "summary": services.summary(dossier),
        "payments": dossier.payments.order_by("-at", "-pk"),
        "online": config.for_unit(dossier.unit_id) is not None,
        "token": token,
    }
    return render(request, "payments/pay.html", context)


def returned(request: HttpRequest, token: str) -> HttpResponse:
    """Where the gateway sends the citizen back. Shows the result as motcua recorded it
    (the notification settles the payment; this page never does)."""
    dossier = links.dossier_of(token)
    if dossier is None:
        raise Http404
    params = request.GET.dict()
    payment = dossier.payments.filter(reference=params.get("vnp_TxnRef", "")).first()
    verified = False
    if payment is not None and (gateway_config := config.by_key(payment.gateway)):
        try:
            gateway_config.gateway().parse_return(params)
            verified = True
        except BadSignature as exc:
            _bad_signature(request, payment.gateway, params, str(exc), "return")
    context = {
        "dossier": dossier,
        "payment": payment if verified else None,
        "summary": services.summary(dossier),
        "token": token,
        "verified": verified,
    }
    return render(request, "payments/returned.html", context)


def _bad_signature(
    request: HttpRequest, key: str, params: dict[str, str], error: str, where: str
) -> None:
    log.warning("payment %s from %s refused: %s", where, client_ip(request), error)
    key_ip = f"payments:bad-signature:{client_ip(request)}"
    cache.add(key_ip, 0, timeout=BAD_SIGNATURE_WINDOW)
    if cache.incr(key_ip) > BAD_SIGNATURE_LIMIT:
        return  # a stranger hammering the endpoint: logged, not written to the audit trail
    audit.record(
        "payment.bad_signature",
        actor=f"gateway:{key}",
        object_type="payment",
        object_id=params.get("vnp_TxnRef", ""),
        where=where,
        ip=client_ip(request),
        error=error,
        params={k: v for k, v in params.items() if k != "vnp_SecureHash"},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request: HttpRequest, key: str) -> JsonResponse:
    """The gateway's server-to-server notification (VNPay IPN, GET)."""
    gateway_config = config.by_key(key)
    if gateway_config is None:
        raise Http404
    gateway = gateway_config.gateway()
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    try:
        outcome = gateway.parse_notification(params)
    except BadSignature as exc:
        _bad_signature(request, key, params, str(exc), "ipn")
        return JsonResponse(gateway.notification_answer(Answer.BAD_SIGNATURE))
    try:
        answer = services.apply_outcome(
            outcome, gateway_key=key, source="ipn", actor=f"gateway:{key}"
        )
    except Exception:
        log.exception("payment notification %s could not be applied", outcome.reference)
        answer = Answer.ERROR
    return JsonResponse(gateway.notification_answer(answer))


# --- staff ----------------------------------------------------------------------------------


def _require(request: HttpRequest, *capabilities: Capability) -> None:
    if not any(has_capability(request.user, c) for c in capabilities):
        raise PermissionDenied


def _dossier(request: HttpRequest, dossier_id: int) -> Dossier:
    """The dossier if the caller's scope includes its unit; another unit's is a 404."""
    rows = dossiers_for(request.user, Dossier.objects.select_related("procedure", "unit"))
    return get_object_or_404(rows, pk=dossier_id)


@login_required
def dossier_payments(request: HttpRequest, dossier_id: int) -> HttpResponse:
    _require(request, Capability.VIEW_DOSSIERS)
    dossier = _dossier(request, dossier_id)
    context = {
        "dossier": dossier,
        "summary": services.summary(dossier),
        "payments": dossier.payments.order_by("-at", "-pk"),
        "pay_url": links.pay_url(dossier),
        "can_process": has_capability(request.user, Capability.PROCESS_DOSSIERS),
        "can_collect": has_capability(request.user, Capability.RECEIVE_DOSSIERS)
        or has_capability(request.user, Capability.PROCESS_DOSSIERS),
    }
    return render(request, "payments/dossier.html", context)


EXTRA_ROWS = 2


def _fee_rows(data: Any) -> tuple[list[services.FeeItem], list[str]]:
    """Fee rows from the assessment form: ``name_N``, ``code_N``, ``amount_N``."""
    items: list[services.FeeItem] = []
    errors: list[str] = []
    count = int(data.get("rows", "0") or 0) if str(data.get("rows", "0")).isdigit() else 0
    for n in range(min(count, 50)):
        name = data.get(f"name_{n}", "").strip()
        raw = data.get(f"amount_{n}", "").strip().replace(".", "").replace(" ", "")
        if not name and not raw:
            continue
        if not raw.isdigit():
            errors.append(
                _("Dòng %(n)d (%(name)s): số tiền “%(v)s” không phải số nguyên VNĐ.")
                % {"n": n + 1, "name": name or "—", "v": data.get(f"amount_{n}", "")}
            )
            continue
        items.append(
            services.FeeItem(name=name, amount=int(raw), code=data.get(f"code_{n}", "").strip())
        )
    return items, errors


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Assess fees during processing and request payment (status 6)."""
    _require(request, Capability.PROCESS_DOSSIERS)
    dossier = _dossier(request, dossier_id)
    errors: list[str] = []
    if request.method == "POST":
        items, errors = _fee_rows(request.POST)
        if not errors:
            try:
                services.assess(
                    dossier.pk, items, actor=request.user, note=request.POST.get("note", "")
                )
            except services.PaymentError as exc:
                errors.append(str(exc))
            else:
                messages.success(request, _("Đã ghi nhận phí, lệ phí của hồ sơ."))
                return redirect("payments:dossier", dossier_id=dossier.pk)
    fees = services.procedure_fees(dossier)
    rows = [*fees, *[services.FeeItem("", 0)] * EXTRA_ROWS]
    context = {"dossier": dossier, "rows": rows, "errors": errors, "row_count": len(rows)}
    return render(request, "payments/assess.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Record cash or a bank transfer taken at the counter."""
    _require(request, Capability.RECEIVE_DOSSIERS, Capability.PROCESS_DOSSIERS)
    dossier = _dossier(request, dossier_id)
    summary = services.summary(dossier)
    errors: list[str] = []
    if request.method == "POST":
        raw = request.POST.get("amount", "").strip().replace(".", "").replace(" ", "")
        method = request.POST.get("method", "")
        if not raw.isdigit():
            errors.append(
                _("Số tiền “%(v)s” không phải số nguyên VNĐ.") % {"v": request.POST.get("amount")}
            )
        else:
            try:
                services.record_counter(
                    dossier.pk,
                    int(raw),
                    method,
                    actor=request.user,
                    reference=request.POST.get("reference", ""),
                )
            except services.PaymentError as exc:
                errors.append(str(exc))
            else:
                messages.success(request, _("Đã ghi nhận khoản thu tại quầy."))
                return redirect("payments:dossier", dossier_id=dossier.pk)
    context = {
        "dossier": dossier,
        "summary": summary,
        "errors": errors,
        "once": "TQ" + secrets.token_hex(8).upper(),
    }
    return render(request, "payments/counter.html", context, status=400 if errors else 200)


@login_required
@require_POST
def refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    _require(request, Capability.PROCESS_DOSSIERS)
    payment = get_object_or_404(Payment, pk=payment_id)
    dossier = _dossier(request, payment.dossier_id)
    try:
        services.refund(
            payment.pk,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            client_ip=client_ip(request),
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã hoàn tiền giao dịch %(r)s.") % {"r": payment.reference})
    return redirect("payments:dossier", dossier_id=dossier.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Transactions whose state differs between motcua and the gateway (the caller's units);
    administrators may run the reconciliation from here."""
    _require(request, Capability.VIEW_DOSSIERS)
    if request.method == "POST":
        if not is_unrestricted(request.user):
            raise PermissionDenied
        result = reconcile.run()
        messages.success(
            request,
            _("Đã đối soát %(c)d giao dịch: %(s)d được cập nhật, %(u)d chưa liên lạc được cổng.")
            % {"c": result.checked, "s": result.settled, "u": result.unreachable},
        )
        return redirect("payments:report")
    units = None if is_unrestricted(request.user) else visible_unit_ids(request.user)
    rows = reconcile.differences(unit_ids=units)
    context = {"rows": rows, "can_run": is_unrestricted(request.user)}
    return render(request, "payments/report.html", context)
