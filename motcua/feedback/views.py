"""Public pages: published answers and the petition form, answer votes, ratings; the kiosk.

Thin: validate, then call one function of workflow/ratings. Personal data never appears on
the public page (no sender, no contact).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.roles import is_unrestricted
from motcua.accounts.scope import require_unit, visible_unit_ids
from motcua.dossiers.models import Dossier
from motcua.feedback import ratings, workflow
from motcua.feedback.forms import PetitionForm, RatingForm, TransitionForm
from motcua.feedback.models import Petition, PetitionState, RatingChannel
from motcua.units.models import Unit

# Petitions one client (IP address) may send per hour.
SUBMISSIONS_PER_HOUR = 5
RATING_SALT = "motcua.feedback.rating"


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address (the address itself is not stored)."""
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _published_page(request: HttpRequest, form: PetitionForm, status: int = 200) -> HttpResponse:
    published = (
        Petition.objects.filter(state=PetitionState.PUBLISHED)
        .select_related("unit")
        .order_by("-published_at")
    )
    page = Paginator(published, 20).get_page(request.GET.get("trang"))
    return render(request, "feedback/petitions.html", {"page": page, "form": form}, status=status)


def petitions(request: HttpRequest) -> HttpResponse:
    return _published_page(request, PetitionForm())


@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    key = client_key(request)
    since = timezone.now() - dt.timedelta(hours=1)
    if Petition.objects.filter(client_key=key, received_at__gte=since).count() >= (
        SUBMISSIONS_PER_HOUR
    ):
        response = render(
            request,
            "feedback/message.html",
            {"message": _("Bạn đã gửi quá nhiều phản ánh trong một giờ. Vui lòng thử lại sau.")},
            status=429,
        )
        response["Retry-After"] = "3600"
        return response
    form = PetitionForm(request.POST)
    if not form.is_valid():
        return _published_page(request, form, status=400)
    petition = workflow.submit(**form.submission(), client_key=key)
    messages.success(
        request,
        _("Đã tiếp nhận phản ánh %(code)s. Hạn trả lời: %(due)s.")
        % {"code": petition.code, "due": f"{timezone.localtime(petition.answer_due):%d/%m/%Y}"},
    )
    return redirect("feedback:petitions")


def _voter_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(f"vote:{request.session.session_key}".encode()).hexdigest()


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    petition = get_object_or_404(Petition, code=code, state=PetitionState.PUBLISHED)
    value = 1 if request.POST.get("value") == "like" else -1
    workflow.vote(petition.pk, _voter_key(request), value)
    return redirect("feedback:petitions")


def rating_token(dossier: Dossier) -> str:
    """The signed token of a dossier's rating link (printed on the result slip)."""
    return signing.dumps(dossier.pk, salt=RATING_SALT)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        dossier_id = signing.loads(token, salt=RATING_SALT)
    except signing.BadSignature:
        raise Http404 from None
    dossier = get_object_or_404(Dossier, pk=dossier_id)
    form = RatingForm(request.POST or None)
    context = {"form": form, "dossier_code": dossier.code}
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rate_dossier(
                dossier,
                form.cleaned_data["score"],
                liked=form.liked_value(),
                comment=form.cleaned_data["comment"],
                channel=RatingChannel.ONLINE,
            )
        except ratings.RatingError as exc:
            return render(request, "feedback/message.html", {"message": str(exc)}, status=409)
        return render(request, "feedback/message.html", {"message": _("Cảm ơn bạn đã đánh giá.")})
    return render(request, "feedback/rate.html", context)


@staff_member_required
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, unit_code: str) -> HttpResponse:
    """The counter's rating device (runs under a staff login); ratings are anonymous."""
    unit = get_object_or_404(Unit, code=unit_code)
    require_unit(request.user, unit)  # another unit's kiosk: 404
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ratings.rate_at_kiosk(
            unit,
            form.cleaned_data["score"],
            liked=form.liked_value(),
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        return redirect("feedback:kiosk", unit_code=unit_code)
    return render(request, "feedback/rate.html", {"form": form, "unit": unit})


def _staff(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@staff_member_required
def handling(request: HttpRequest) -> HttpResponse:
    """Deadlines overdue or due within two working days, soonest first, of the petitions of
    the units the handler may see."""
    units = None if is_unrestricted(request.user) else sorted(visible_unit_ids(request.user))
    rows = workflow.due_list(unit_ids=units, within_days=2)
    return render(request, "feedback/handling.html", {"rows": rows})


@staff_member_required
@require_http_methods(["GET", "POST"])
def handle(request: HttpRequest, code: str) -> HttpResponse:
    """One petition: its history and the steps the table allows from its state."""
    petition = get_object_or_404(Petition.objects.select_related("unit"), code=code)
    require_unit(request.user, petition.unit_id)  # another unit's petition: 404
    allowed = [(s, PetitionState(s).label) for s in sorted(workflow.TRANSITIONS[petition.state])]
    form = TransitionForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.transition(
                petition.pk,
                data["target"],
                actor=request.user,
                note=data["note"],
                answer=data["answer"],
                unit=data["unit"],
                handler=_staff(request) if data["target"] == PetitionState.PROCESSING else None,
            )
        except workflow.PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("feedback:handle", code=code)
    context = {
        "petition": petition,
        "events": petition.events.order_by("seq"),
        "form": form if allowed else None,
        "deadlines": workflow.times_of(petition),
    }
    return render(request, "feedback/handle.html", context)
