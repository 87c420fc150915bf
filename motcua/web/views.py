from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.summary import account_summary
from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Unit


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what this installation holds."""
    levels = dict(
        Unit.objects.filter(valid_to__isnull=True)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    context = {
        "units_by_level": levels,
        "procedure_count": Procedure.objects.count(),
        "dossier_count": Dossier.objects.count(),
        "account": account_summary(request.user),
    }
    return render(request, "web/home.html", context)


def health(request: HttpRequest) -> HttpResponse:
    Unit.objects.exists()  # touches the database
    return HttpResponse("ok", content_type="text/plain")
