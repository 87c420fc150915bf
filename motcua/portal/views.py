"""The citizen portal's pages (public, under /dich-vu-cong/ and /tra-cuu/).

Thin: check who is asking (a citizen, for the account pages; another citizen's dossier is
a 404), validate, then call one function of ``filing``/``citizens``. The public status page
shows status and dates only, never personal data, and is rate-limited.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, Status
from motcua.files import store, uploads
from motcua.portal import catalogue, citizens, filing, links, oidc, throttle
from motcua.portal.forms import FilingForm, LookupForm, SignInForm, SignUpForm, SupplementForm
from motcua.procedures.models import Procedure

SIGNUPS_PER_HOUR = 10
LOOKUP_WINDOW = 600
PAGE_SIZE = 20
View = Callable[..., HttpResponse]


def citizen_required(view: View) -> View:
    """Anonymous: to the sign-in page. Signed in but not a citizen (staff): refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal:signin')}?{query}")
        if not citizens.is_citizen(request.user):
            return render(request, "portal/not_citizen.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _too_large(request: HttpRequest, files: int) -> HttpResponse | None:
    """HTTP 413 with a message when the body cannot fit ``files`` allowed uploads."""
    if request.method != "POST" or not uploads.request_too_large(
        request.META.get("CONTENT_LENGTH"), files
    ):
        return None
    message = _("Tệp tải lên quá lớn: mỗi tệp tối đa %(limit)s.") % {
        "limit": filesizeformat(uploads.max_bytes())
    }
    filing.log_refusal(request.user, "upload", ValueError("request too large"))
    return render(request, "portal/message.html", {"message": message}, status=413)


def _too_many(request: HttpRequest, message: str, retry_after: int) -> HttpResponse:
    response = render(request, "portal/message.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


# --- finding a procedure ---------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    online_only = request.GET.get("truc_tuyen") == "1"
    page = None
    if query:
        rows = list(catalogue.search(query)[:500])
        found = [(p, catalogue.level_today(p)) for p in rows]
        if online_only:
            found = [(p, level) for p, level in found if level in catalogue.ONLINE_LEVELS]
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "portal/home.html",
        {"query": query, "online_only": online_only, "page": page},
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.select_related("field").prefetch_related("fees", "service_levels"),
        code=code,
    )
    level = catalogue.level_today(procedure)
    units = catalogue.handling_units(procedure)
    return render(
        request,
        "portal/procedure.html",
        {
            "procedure": procedure,
            "level": level,
            "level_label": _level_label(level),
            "online": level in catalogue.ONLINE_LEVELS,
            "components": catalogue.components_of(procedure),
            "fees": list(procedure.fees.all()),
            "units": units[:50],
            "unit_count": units.count(),
        },
    )


def _level_label(level: str) -> str:
    from motcua.procedures.models import ServiceLevel

    return str(ServiceLevel(level).label)


# --- accounts ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if citizens.is_citizen(request.user):
        return redirect("portal:dossiers")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not throttle.allow(request, "signup", SIGNUPS_PER_HOUR, 3600):
            return _too_many(
                request, _("Quá nhiều lượt đăng ký từ địa chỉ này. Vui lòng thử lại sau."), 3600
            )
        if form.is_valid():
            data = form.cleaned_data
            user = citizens.sign_up(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
            )
            login(request, user, backend="motcua.accounts.backends.RateLimitedModelBackend")
            messages.success(request, _("Đã tạo tài khoản. Bạn có thể nộp hồ sơ trực tuyến."))
            return redirect(_next(request) or reverse("portal:home"))
    return render(request, "portal/signup.html", {"form": form, "next": _next(request)})


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    if citizens.is_citizen(request.user):
        return redirect(_next(request) or reverse("portal:dossiers"))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_next(request) or reverse("portal:dossiers"))
    context = {
        "form": form,
        "next": _next(request),
        "oidc": oidc.enabled(),
        "provider": oidc.provider_name(),
        "oidc_failed": request.GET.get("loi") == "oidc",
    }
    return render(request, "portal/signin.html", context)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


# --- filing and following ----------------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
def file_dossier(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.prefetch_related("service_levels", "fees"), code=code
    )
    if not catalogue.files_online(procedure):
        raise Http404("procedure not offered online")
    refused = _too_large(request, len(catalogue.components_of(procedure)))
    if refused is not None:
        return refused
    profile = citizens.profile_of(request.user)
    assert profile is not None
    items = list(store.items_for(citizens.store_owner(profile)))
    token = request.POST.get("token") if request.method == "POST" else secrets.token_urlsafe(24)
    if request.method == "POST" and token:
        repeat = filing.existing(token, request.user)  # type: ignore[arg-type]
        if repeat is not None:
            return redirect("portal:dossier", code=repeat.code)
    form = FilingForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        items=items,
        actor=request.user,
        initial={"token": token},
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier, created = filing.file_online(
                account=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                unit=form.cleaned_data["unit"],
                token=form.cleaned_data["token"],
                pieces=form.supplied(),
                summary=form.cleaned_data["summary"],
            )
        except filing.FilingError as error:
            filing.log_refusal(request.user, "file", error, procedure.code)
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(
                    request,
                    _("Đã nộp hồ sơ. Mã hồ sơ của bạn: %(code)s.") % {"code": dossier.code},
                )
            return redirect("portal:dossier", code=dossier.code)
    if request.method == "POST" and form.errors:
        fields = ", ".join(sorted(form.errors))
        filing.log_refusal(request.user, "file", ValueError(f"invalid: {fields}"), procedure.code)
    return render(
        request,
        "portal/file.html",
        {"procedure": procedure, "form": form, "has_items": bool(items)},
        status=400 if form.errors else 200,
    )


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(filing.filed_by(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "portal/dossiers.html", {"page": page})


def _own_dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = filing.filed_by(request.user).filter(code=code).first()
    if dossier is None:
        raise Http404("dossier not found")
    return dossier


def _supplement_request(dossier: Dossier) -> dict[str, Any] | None:
    index = workflow.open_supplement(dossier.supplements)
    if index is None or dossier.status != Status.SUPPLEMENT_REQUESTED:
        return None
    item = dossier.supplements[index]
    return {
        "asked_at": workflow.from_dvcqg(str(item.get("NgayBoSung") or "")),
        "content": item.get("NoiDungBoSung", ""),
    }


@citizen_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    return _render_dossier(request, dossier, SupplementForm(actor=request.user))


def _render_dossier(
    request: HttpRequest, dossier: Dossier, form: SupplementForm, status: int = 200
) -> HttpResponse:
    context = {
        "dossier": dossier,
        "supplement": _supplement_request(dossier),
        "form": form,
        "receipt_url": links.receipt_url(dossier),
        "supplement_form_url": links.form_url(dossier, 2),
        "refusal_form_url": links.form_url(dossier, 3),
        "apology_form_url": links.form_url(dossier, 4),
        "results": links.results(dossier),
        "outstanding": links.outstanding(dossier),
        "payment_url": links.payment_url(dossier),
        "status_url": reverse("portal:status", args=[dossier.code]),
        "confirmation_url": reverse("portal:confirmation", args=[dossier.code]),
    }
    return render(request, "portal/dossier.html", context, status=status)


@citizen_required
def confirmation(request: HttpRequest, code: str) -> HttpResponse:
    """The submission confirmation (biên nhận nộp trực tuyến), printable, with a QR code of
    the public status page; form 01 follows from the desk once the dossier is received."""
    dossier = _own_dossier(request, code)
    base = settings.PUBLIC_URL or request.build_absolute_uri("/")
    status_url = base.rstrip("/") + reverse("portal:status", args=[dossier.code])
    return render(
        request,
        "portal/confirmation.html",
        {"dossier": dossier, "status_url": status_url, "qr": _qr(status_url)},
    )


@citizen_required
def official_form(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Forms 01–04 of the citizen's own dossier, from the desk (onestop.access)."""
    dossier = _own_dossier(request, code)
    try:
        from motcua.onestop import access, documents
    except ImportError:
        raise Http404("forms are not installed here") from None
    data = access.applicant_form(
        dossier,
        number,
        account=request.user,
        base_url=settings.PUBLIC_URL or request.build_absolute_uri("/"),
    )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{documents.FORMS[number].slug}-{dossier.code}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _qr(text: str) -> str:
    """The QR code as an SVG data URI (the desk's forms draw it the same way)."""
    try:
        from motcua.onestop.documents import qr_data_uri
    except ImportError:  # the desk app is not installed: no QR code, the link stays
        return ""
    return qr_data_uri(text)


@citizen_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    refused = _too_large(request, 2)
    if refused is not None:
        return refused
    form = SupplementForm(request.POST, request.FILES, actor=request.user)
    if form.is_valid():
        try:
            filing.answer_supplement(
                account=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                uploads=form.uploads(),
                note=form.cleaned_data["note"],
            )
        except (filing.FilingError, workflow.WorkflowError) as error:
            filing.log_refusal(request.user, "supplement", error, dossier.code)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã gửi hồ sơ bổ sung. Hồ sơ tiếp tục được xử lý."))
            return redirect("portal:dossier", code=dossier.code)
    return _render_dossier(request, dossier, form, status=400)


@citizen_required
def data_store(request: HttpRequest) -> HttpResponse:
    profile = citizens.profile_of(request.user)
    assert profile is not None
    items = store.items_for(citizens.store_owner(profile)).select_related("source_dossier")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "portal/store.html", {"page": page, "profile": profile})


# --- public status page ------------------------------------------------------------------


def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:status", code=form.cleaned_data["code"].strip().upper())
    return render(request, "portal/lookup.html", {"form": form})


def status_page(request: HttpRequest, code: str) -> HttpResponse:
    """Status and dates of a dossier by its code: what the receipt's QR code opens."""
    if not throttle.allow(request, "status", settings.PUBLIC_LOOKUP_LIMIT, LOOKUP_WINDOW):
        return _too_many(
            request, _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."), LOOKUP_WINDOW
        )
    dossier = (
        Dossier.objects.select_related("procedure", "unit")
        .only(
            "code",
            "status",
            "channel",
            "submitted_at",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "supplements",
            "procedure__name",
            "procedure__code",
            "unit__name",
        )
        .filter(code=code.strip().upper())
        .first()
    )
    if dossier is None:
        return render(
            request, "portal/status_unknown.html", {"code": code, "form": LookupForm()}, status=404
        )
    return render(
        request,
        "portal/status.html",
        {"dossier": dossier, "supplement": _supplement_request(dossier)},
    )
