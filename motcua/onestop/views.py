"""Pages of the one-stop desk: counter intake, the worklist, one dossier and its actions.

Thin: check the capability and the unit scope (motcua.onestop.access), validate the form,
call one function of motcua.onestop.services / intake, then redirect (a refresh never
repeats an action). A refused action shows its message; the refusal is already in the
audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import UnitAssignment
from motcua.accounts.roles import Capability, Role, has_capability
from motcua.accounts.scope import dossiers_for, scope_of
from motcua.audit import log as audit
from motcua.core.text import fold
from motcua.dossiers import pii
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.workflow import WorkflowError, calendar
from motcua.onestop import access, intake, services
from motcua.onestop.forms import (
    ApologyForm,
    AssignForm,
    IntakeForm,
    NoteForm,
    ReasonForm,
    RegisterForm,
    VersionForm,
)
from motcua.procedures.models import Procedure
from motcua.units.models import Level, Unit

C = Capability
S = Status
RECEIVE, PROCESS = C.RECEIVE_DOSSIERS, C.PROCESS_DOSSIERS

# Statuses on the worklist: not finished, or processed and waiting to be returned.
OPEN_STATUSES = (
    S.SUBMITTED,
    S.RECEIVED,
    S.PROCESSING,
    S.SUPPLEMENT_REQUESTED,
    S.PAYMENT_REQUESTED,
    S.PROCESSED,
)
PAGE_SIZE = 50


def _receiving_units(user: Any) -> QuerySet[Unit]:
    """The units the officer receives for: assigned units with a DVCQG code (all units
    with a code for an administrator)."""
    units = Unit.objects.filter(code__isnull=False, valid_to__isnull=True).order_by("name")
    scope = scope_of(user)
    if scope.unrestricted:
        return units
    return units.filter(pk__in=sorted(scope.roots))


# --- counter intake ------------------------------------------------------------------------


LEVEL_FLAGS = {
    Level.AGENCY: "applies_agency",
    Level.DISTRICT: "applies_district",
    Level.COMMUNE: "applies_commune",
}


def _unit_procedures(unit: Unit) -> QuerySet[Procedure]:
    """The procedures of the unit's level (cấp tỉnh / huyện / xã flags of the catalogue)."""
    flag = LEVEL_FLAGS.get(Level(unit.level))
    rows = Procedure.objects.all()
    return (rows.filter(**{flag: True}) if flag else rows).order_by("code")


def _procedures(query: str, unit: Unit) -> QuerySet[Procedure]:
    """Accent-insensitive search by name, or by code, among the unit's procedures."""
    match = Q(name_key__contains=fold(query)) | Q(code__iexact=query.strip())
    return _unit_procedures(unit).filter(match)


@login_required
@require_http_methods(["GET", "POST"])
def intake_page(request: HttpRequest) -> HttpResponse:
    """Pick the unit and procedure, enter the applicant and components, receive."""
    access.require_any(request.user, RECEIVE)
    units = _receiving_units(request.user)
    unit = units.filter(code=request.GET.get("don-vi") or "").first() or units.first()
    query = (request.GET.get("q") or "").strip()
    found = _procedures(query, unit)[:20] if query and unit else []
    code = request.GET.get("thu-tuc") or ""
    procedure = _unit_procedures(unit).filter(code=code).first() if unit and code else None
    context: dict[str, Any] = {
        "can_receive": True,
        "units": units,
        "unit": unit,
        "query": query,
        "found": found,
        "procedure": procedure,
    }
    if procedure is None or unit is None:
        return render(request, "onestop/intake.html", context)
    applicant_id = "".join(str(request.POST.get("applicant_id") or "").split())
    items = list(intake.store_items(applicant_id)) if applicant_id else []
    if request.method == "POST" and request.POST.get("action") == "receive":
        form = IntakeForm(request.POST, request.FILES, store_items=items)
        if form.is_valid():
            try:
                dossier, created = intake.counter_intake(
                    key=form.cleaned_data["key"],
                    officer=_user(request),
                    unit=unit,
                    procedure=procedure,
                    channel=form.cleaned_data["channel"],
                    applicant=form.applicant(),
                    scans=form.scans(),
                    paper=form.paper_names(),
                    reused_item_ids=form.cleaned_data["reuse"],
                )
            except ValidationError as refused:  # an upload refused by its content or size
                form.add_error(None, refused)
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                if created:
                    messages.success(
                        request,
                        _(
                            "Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận (mẫu 01) để giao "
                            "người nộp."
                        )
                        % {"code": dossier.code},
                    )
                return redirect("onestop:dossier", code=dossier.code)
    elif request.method == "POST":  # "look up the store": the same form, with the items
        form = IntakeForm(request.POST, store_items=items)
        form.errors.clear()
        if applicant_id:
            audit.record(
                "onestop.store_lookup",
                actor=request.user,
                object_type="store",
                id_hash=pii.id_hash(applicant_id),
                items=len(items),
            )
    else:
        form = IntakeForm(initial={"key": secrets.token_hex(16)})
    context.update(form=form, items=items, looked_up=bool(applicant_id))
    return render(request, "onestop/intake.html", context)


# --- the worklist --------------------------------------------------------------------------


def _worklist(request: HttpRequest) -> QuerySet[Dossier]:
    """The dossiers in progress by default; processed ones waiting to be returned (9) when
    that status is chosen."""
    status = request.GET.get("trang-thai") or ""
    chosen = [int(status)] if status.isdigit() and int(status) in OPEN_STATUSES else None
    in_progress = [s for s in OPEN_STATUSES if s != S.PROCESSED]
    rows = dossiers_for(request.user, Dossier.objects.filter(status__in=chosen or in_progress))
    code = (request.GET.get("ma") or "").strip()
    if code:
        rows = rows.filter(code__icontains=code)
    if request.GET.get("cua-toi") == "1":
        rows = rows.filter(pk__in=_assigned_to(_user(request)))
    return rows.select_related("procedure", "unit").order_by(
        F("due_at").asc(nulls_last=True), "code"
    )


def _assigned_to(user: User) -> list[int]:
    """Dossiers whose latest assignment is to ``user``."""
    from motcua.onestop.models import Assignment

    latest: dict[int, int] = {}
    for dossier_id, officer_id in Assignment.objects.order_by("dossier_id", "at", "id").values_list(
        "dossier_id", "officer_id"
    ):
        latest[dossier_id] = officer_id
    return [d for d, o in latest.items() if o == user.pk]


def urgency(dossier: Dossier, now: dt.datetime, soon: dt.datetime) -> str:
    """ "overdue", "soon" (due by the end of the next working day) or ""."""
    if dossier.due_at is None or dossier.status in (S.PROCESSED, S.SUPPLEMENT_REQUESTED):
        return ""
    if dossier.due_at < now:
        return "overdue"
    return "soon" if dossier.due_at <= soon else ""


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """Open dossiers of the officer's units, soonest due first; overdue and nearly due
    highlighted."""
    access.require_any(request.user, RECEIVE, PROCESS)
    page = Paginator(_worklist(request), PAGE_SIZE).get_page(request.GET.get("trang"))
    now = timezone.now()
    soon = calendar().due_at(now, 1, "working_days")
    rows = [(d, urgency(d, now, soon)) for d in page.object_list]
    units = _receiving_units(request.user)
    today = timezone.localdate()
    register = RegisterForm(initial={"tu": today.replace(day=1), "den": today})
    register.fields["unit"].choices = [(u.code, u.name) for u in units]  # type: ignore[attr-defined]
    context = {
        "page": page,
        "rows": rows,
        "statuses": [(s.value, s.label) for s in OPEN_STATUSES],
        "register": register,
        "can_receive": has_capability(request.user, RECEIVE),
        "selected_status": int(status)
        if (status := request.GET.get("trang-thai", "")).isdigit()
        else None,
        "mine": request.GET.get("cua-toi") == "1",
    }
    return render(request, "onestop/worklist.html", context)


@login_required
def register_redirect(request: HttpRequest) -> HttpResponse:
    """The form 06 picker (GET) sends here; go to the PDF of the chosen unit and period."""
    access.require_any(request.user, RECEIVE, PROCESS)
    code = request.GET.get("unit") or ""
    if not code:
        raise Http404("no unit")
    url = reverse("onestop:register", args=[code])
    return redirect(f"{url}?tu={request.GET.get('tu', '')}&den={request.GET.get('den', '')}")


# --- one dossier ---------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _officers(dossier: Dossier) -> QuerySet[User]:
    """Processing officers assigned to the dossier's unit."""
    ids = UnitAssignment.objects.filter(unit_id=dossier.unit_id).values_list("user_id", flat=True)
    return User.objects.filter(
        pk__in=ids, is_active=True, groups__name=Role.PROCESSING_OFFICER.group_name
    ).order_by("username")


def _actions(user: Any, dossier: Dossier) -> dict[str, bool]:
    """Which action forms the page offers (the services check the rules again)."""
    receive, process = has_capability(user, RECEIVE), has_capability(user, PROCESS)
    status = dossier.status
    return {
        "receive": receive and status == S.SUBMITTED,
        "refuse": receive and status == S.SUBMITTED,
        "start": process and status == S.RECEIVED,
        "assign": process and status in (S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED),
        "supplement": process and status == S.PROCESSING,
        "supplied": (receive or process) and status == S.SUPPLEMENT_REQUESTED,
        "apology": process
        and status in (S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED),
        "stop": process and status in (S.PROCESSING, S.SUPPLEMENT_REQUESTED),
        "finish": process and status in (S.PROCESSING, S.PAYMENT_REQUESTED),
        "return": (receive or process) and status == S.PROCESSED,
    }


def _forms_available(dossier: Dossier) -> list[tuple[str, str]]:
    forms = [(reverse("onestop:control_slip", args=[dossier.code]), _("Phiếu kiểm soát (mẫu 05)"))]
    if dossier.received_at:
        forms.insert(
            0,
            (
                reverse("onestop:receipt", args=[dossier.code]),
                _("Giấy tiếp nhận, hẹn trả kết quả (mẫu 01)"),
            ),
        )
    if dossier.supplements:
        forms.append(
            (
                reverse("onestop:supplement_form", args=[dossier.code]),
                _("Phiếu yêu cầu bổ sung (mẫu 02)"),
            )
        )
    if dossier.status == S.REFUSED:
        forms.append(
            (reverse("onestop:refusal_form", args=[dossier.code]), _("Phiếu từ chối (mẫu 03)"))
        )
    if dossier.apologies.exists():
        forms.append(
            (
                reverse("onestop:apology_form", args=[dossier.code]),
                _("Phiếu xin lỗi, hẹn lại (mẫu 04)"),
            )
        )
    return forms


def _event_text(event: Any) -> str:
    """One line of history: the status change, the assignment, or the kind of event."""
    changes = event.changes or {}
    if "status" in changes:
        old, new = changes["status"]
        before = Status(old).label if old else "—"
        return f"{before} → {Status(new).label}"
    if "assignee" in changes:
        return _("Giao xử lý: %(name)s") % {"name": changes["assignee"][1]}
    if event.source == "reschedule":
        return _("Hẹn lại ngày trả kết quả")
    return str(event.get_kind_display())


@login_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access.staff_dossier(request.user, code, RECEIVE, PROCESS)
    version = {"version": dossier.version}
    now = timezone.now()
    soon = calendar().due_at(now, 1, "working_days")
    context = {
        "dossier": dossier,
        "status": Status(dossier.status).label,
        "urgency": urgency(dossier, now, soon),
        "assignee": services.current_assignee(dossier),
        "events": [(e, _event_text(e)) for e in dossier.events.order_by("-seq")[:50]],
        "steps": list(reversed(dossier.steps)),
        "components": dossier.components,
        "forms": _forms_available(dossier),
        "actions": _actions(request.user, dossier),
        "can_receive": has_capability(request.user, RECEIVE),
        "version_form": VersionForm(initial=version),
        "note_form": NoteForm(initial=version),
        "reason_form": ReasonForm(initial=version),
        "apology_form": ApologyForm(initial=version),
        "assign_form": AssignForm(initial=version, officers=_officers(dossier)),
    }
    return render(request, "onestop/dossier.html", context)


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """One action on a dossier (POST), named in the URL; the capability is checked per
    action, the unit scope by :func:`access.staff_dossier`."""
    dossier = access.staff_dossier(request.user, code, RECEIVE, PROCESS)
    allowed = _actions(request.user, dossier)
    needs = {
        "receive": RECEIVE,
        "refuse": RECEIVE,
        "start": PROCESS,
        "assign": PROCESS,
        "supplement": PROCESS,
        "apology": PROCESS,
        "stop": PROCESS,
        "finish": PROCESS,
    }
    if action not in allowed:
        raise Http404("no such action")
    if action in needs:
        access.require_any(request.user, needs[action])
    else:
        access.require_any(request.user, RECEIVE, PROCESS)
    user = _user(request)
    forms: dict[str, Any] = {
        "supplement": NoteForm,
        "refuse": ReasonForm,
        "stop": ReasonForm,
        "apology": ApologyForm,
    }
    if action == "assign":
        form: Any = AssignForm(request.POST, officers=_officers(dossier))
    else:
        form = forms.get(action, VersionForm)(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        services.log_refusal(user, dossier.pk, action, ValueError(errors))
        messages.error(request, _("Thông tin chưa hợp lệ: %(errors)s") % {"errors": errors})
        return redirect("onestop:dossier", code=code)
    try:
        message = _dispatch(action, dossier.pk, form.cleaned_data, user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("onestop:dossier", code=code)


def _dispatch(action: str, dossier_id: int, data: dict[str, Any], user: User) -> str:
    """Call the service of ``action``; the success message."""
    seen = data["version"]
    if action == "receive":
        services.receive_submitted(dossier_id, actor=user, expected_version=seen)
        return _("Đã tiếp nhận hồ sơ.")
    if action == "refuse":
        services.refuse(dossier_id, data["reason"], actor=user, expected_version=seen)
        return _("Đã từ chối tiếp nhận hồ sơ.")
    if action == "start":
        services.start_processing(dossier_id, actor=user, expected_version=seen)
        return _("Hồ sơ chuyển sang đang xử lý.")
    if action == "assign":
        services.assign(dossier_id, data["officer"], actor=user, expected_version=seen)
        return _("Đã phân công xử lý.")
    if action == "supplement":
        services.request_supplement(dossier_id, data["note"], actor=user, expected_version=seen)
        return _("Đã yêu cầu bổ sung hồ sơ; thời hạn giải quyết tạm dừng.")
    if action == "supplied":
        services.receive_supplement(dossier_id, actor=user, expected_version=seen)
        return _("Đã nhận hồ sơ bổ sung; thời hạn giải quyết tiếp tục.")
    if action == "apology":
        services.apologize(
            dossier_id, data["new_due"], data["reason"], actor=user, expected_version=seen
        )
        return _("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả.")
    if action == "stop":
        services.stop(dossier_id, data["reason"], actor=user, expected_version=seen)
        return _("Đã dừng xử lý hồ sơ.")
    if action == "finish":
        services.finish(dossier_id, actor=user, expected_version=seen)
        return _("Hồ sơ đã xử lý xong; kết quả sẵn sàng trả.")
    services.return_result(dossier_id, actor=user, expected_version=seen)
    return _("Đã trả kết quả cho người nộp.")
