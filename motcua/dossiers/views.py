"""Dossier pages: the list (search, filters), one dossier, unmasking, the import page.

Thin: check the capability (403 without it) and the unit scope (another unit's dossier is a
404), validate, then call search / pii / uploads.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import Scope, require_unit
from motcua.audit import log as audit
from motcua.dossiers import pii, search, uploads
from motcua.dossiers.forms import DossierFilterForm, ImportUploadForm
from motcua.dossiers.models import Dossier, ImportUpload
from motcua.units.models import Unit
from motcua.web.context import cached_scope
from motcua.web.generation import FigureCache


def _require(request: HttpRequest, capability: Capability) -> User:
    if not has_capability(request.user, capability):
        raise PermissionDenied
    assert isinstance(request.user, User)
    return request.user


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.VIEW_DOSSIERS)
    # The unit subtree cached by data generation (web.context): the unit history is the
    # largest fixed cost of a list page. Later scope checks in the request reuse it.
    scope = cached_scope(request, FigureCache())
    visible = scope.filter(Unit.objects.all(), "id").order_by("level", "code", "name")
    units: list[tuple[int, str]] = list(visible.values_list("pk", "name"))
    form = DossierFilterForm(request.GET or None, units=units)
    page = None
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else search.Filters()
        page = search.find(
            Dossier.objects.all(),
            filters,
            timezone.now(),
            _int(request.GET.get("page"), 1),
            _int(request.GET.get("size"), search.PAGE_SIZE),
            units=_visible_units(scope, len(units)),
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "detail_base": reverse("dossiers:list"),  # + code + "/" (no reverse() per row)
    }
    return render(request, "dossiers/list.html", context, status=200 if page else 400)


def _visible_units(scope: Scope, visible_units: int) -> frozenset[int] | None:
    """The user's units (``accounts.scope``); None when the scope holds every unit (a
    monitor of the province root), so that counting by status or date reads only an
    index."""
    if scope.unrestricted or visible_units >= Unit.objects.count():
        return None
    return scope.unit_ids


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _dossier(request: HttpRequest, code: str) -> Dossier:
    user = _require(request, Capability.VIEW_DOSSIERS)
    dossier = get_object_or_404(Dossier.objects.select_related("procedure", "unit"), code=code)
    require_unit(user, dossier.unit_id)  # another unit's dossier: 404
    return dossier


def _detail(
    request: HttpRequest, dossier: Dossier, personal: dict[str, Any] | None
) -> HttpResponse:
    context = {
        "dossier": dossier,
        "events": dossier.events.order_by("seq"),
        "payments": dossier.payments.order_by("at"),
        "personal": personal,
        "can_unmask": has_capability(request.user, Capability.UNMASK_PII),
    }
    response = render(request, "dossiers/detail.html", context)
    if personal is not None:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _dossier(request, code), None)


@login_required
@require_POST
def dossier_unmask(request: HttpRequest, code: str) -> HttpResponse:
    """Show the clear personal data, once, and record who looked (audit trail)."""
    dossier = _dossier(request, code)
    user = _require(request, Capability.UNMASK_PII)
    personal = pii.reveal(dossier.pii)
    audit.record(
        "dossier.unmask",
        actor=user,
        object_type="dossier",
        object_id=dossier.pk,
        code=dossier.code,
        fields=sorted(key for key, value in personal.items() if value),
    )
    return _detail(request, dossier, personal)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = _require(request, Capability.IMPORT_DOSSIERS)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = uploads.stage(form.cleaned_data["file"], user)
        except uploads.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("dossiers:import_upload", token=upload.token)
    recent = ImportUpload.objects.filter(user=user).order_by("-created_at")[:10]
    context = {"form": form, "recent": recent, "max_mb": uploads.MAX_UPLOAD_BYTES >> 20}
    return render(request, "dossiers/import.html", context, status=400 if form.errors else 200)


def _upload(request: HttpRequest, token: str) -> tuple[User, ImportUpload]:
    user = _require(request, Capability.IMPORT_DOSSIERS)
    try:
        return user, ImportUpload.objects.get(token=token, user=user)
    except ImportUpload.DoesNotExist:
        raise Http404 from None  # someone else's upload is absent, not forbidden


@login_required
def import_upload(request: HttpRequest, token: str) -> HttpResponse:
    """What the file would do (or did), and the confirm button while it can be applied."""
    _user, upload = _upload(request, token)
    context = {
        "upload": upload,
        "expires_at": uploads.expires_at(upload),
        "hours": settings.IMPORT_UPLOAD_HOURS,
    }
    return render(request, "dossiers/import_upload.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user, upload = _upload(request, token)
    uploads.confirm(upload.pk, user)
    return redirect("dossiers:import_upload", token=token)
