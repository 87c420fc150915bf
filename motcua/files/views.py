from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from motcua.audit import log as audit
from motcua.files.access import can_open
from motcua.files.models import StoredFile


@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A stored file, for whoever may open it (access.py); 404 for anyone else."""
    stored = get_object_or_404(StoredFile, pk=pk)
    if not can_open(request.user, stored):
        raise Http404("file not found")
    audit.record("file.open", actor=request.user, object_type="file", object_id=stored.pk)
    response = FileResponse(
        stored.content.open("rb"),
        as_attachment=request.GET.get("xem") != "1",
        filename=stored.name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
