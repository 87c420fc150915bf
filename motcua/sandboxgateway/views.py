"""The sandbox gateway's pages: the payment page (choose an outcome) and the merchant API.
Everything here is a 404 unless ``PAYMENT_SANDBOX`` is on."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.sandboxgateway import gateway
from motcua.sandboxgateway.models import SandboxTransaction


def _enabled() -> None:
    if not gateway.enabled():
        raise Http404


@require_GET
def pay_page(request: HttpRequest) -> HttpResponse:
    _enabled()
    try:
        txn = gateway.open_transaction(request.GET.dict())
    except gateway.SandboxError as exc:
        return render(request, "sandboxgateway/error.html", {"error": str(exc)}, status=400)
    return render(request, "sandboxgateway/pay.html", {"txn": txn})


@require_POST
def choose(request: HttpRequest, txn_id: int) -> HttpResponse:
    _enabled()
    get_object_or_404(SandboxTransaction, pk=txn_id)
    try:
        txn = gateway.choose(txn_id, request.POST.get("choice", ""))
    except gateway.SandboxError as exc:
        return render(request, "sandboxgateway/error.html", {"error": str(exc)}, status=400)
    if not txn.ipn_held and txn.ipn_delivered_at is None:
        gateway.deliver(txn)
    return redirect(gateway.return_redirect(txn))


@csrf_exempt
@require_POST
def api(request: HttpRequest) -> JsonResponse:
    _enabled()
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid data format"})
    if not isinstance(payload, dict):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid data format"})
    return JsonResponse(gateway.answer(payload))
