"""Issuing and correcting signed results: each one transaction (docs/signing.md).

:func:`issue_result` renders the procedure's result template to PDF, signs it with the
unit's certificate, stores it, records it on the dossier (``results`` and
``has_result_file``, through an ``updated`` event in the dossier's history) and in the
audit trail. :func:`correct_result` issues a new version with its own signature; the old
version stays, superseded. Signing happens before the transaction opens (it takes a
moment and touches no rows); everything that writes happens inside it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import can_see_unit
from motcua.audit import log as audit
from motcua.audit.log import Actor
from motcua.dossiers import history, workflow
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.indicators.facts import bucket_of, refresh_buckets
from motcua.signing import credentials, pdf
from motcua.signing.models import ResultTemplate, SignedResult

# A result cannot be issued for a dossier that ended without one, or before receipt.
NO_RESULT_STATUSES = frozenset({Status.SUBMITTED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
DEFAULT_BODY_TEMPLATE = "signing/result_body.html"
# The document itself is always in Vietnamese, whatever language the officer reads.
DEFAULT_TITLE = "Kết quả giải quyết thủ tục hành chính"
TOKEN_PREFIX = "k"  # noqa: S105 (a marker telling tokens from ids, not a secret)


class SigningError(Exception):
    """A result that cannot be issued or corrected; the message is for the officer."""


@dataclass(frozen=True)
class Template:
    title: str
    body: str | None  # None: the built-in body template


def template_for(dossier: Dossier) -> Template:
    """The procedure's template, else the default row, else the built-in one."""
    rows = {
        t.procedure_id: t
        for t in ResultTemplate.objects.filter(procedure__in=[dossier.procedure_id])
        | ResultTemplate.objects.filter(procedure__isnull=True)
    }
    row = rows.get(dossier.procedure_id) or rows.get(None)
    if row is not None:
        return Template(row.title, row.body)
    return Template(DEFAULT_TITLE, None)


def download_path(result: SignedResult) -> str:
    return reverse("signing:download", args=[result.public_token])


def _check_actor(actor: Actor, dossier: Dossier) -> None:
    """A person issuing a result must process dossiers and see the dossier's unit."""
    if isinstance(actor, User) and not (
        has_capability(actor, Capability.PROCESS_DOSSIERS) and can_see_unit(actor, dossier.unit_id)
    ):
        raise SigningError(
            _("Tài khoản %(user)s không có quyền ban hành kết quả cho hồ sơ %(code)s.")
            % {"user": actor.get_username(), "code": dossier.code}
        )


def _check_status(dossier: Dossier) -> None:
    if Status(dossier.status) in NO_RESULT_STATUSES:
        raise SigningError(
            _("Hồ sơ %(code)s đang ở trạng thái “%(status)s”: không ban hành kết quả.")
            % {"code": dossier.code, "status": Status(dossier.status).label}
        )


def _context(dossier: Dossier, code: str, title: str, version: int, reason: str) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "unit": dossier.unit,
        "applicant_name": dossier.applicant_name,
        "code": code,
        "title": title,
        "version": version,
        "reason": reason,
        "today": today,
        "place_date": f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        "verify_path": reverse("signing:verify"),
    }


def _render(dossier: Dossier, template: Template, context: dict[str, Any]) -> bytes:
    from django.template.loader import render_to_string

    if template.body is None:
        body: str = render_to_string(DEFAULT_BODY_TEMPLATE, context)
    else:
        body = pdf.render_body(template.body, context)
    return pdf.print_pdf(pdf.render_html({**context, "body": mark_safe(body)}))  # noqa: S308


def _sign(dossier: Dossier, document: bytes, reason: str) -> pdf.Signed:
    try:
        row = credentials.credential_row(dossier.unit)
    except credentials.NoCredential as exc:
        raise SigningError(str(exc)) from None
    archive, password = credentials.load_row(row)
    return pdf.sign(document, archive, password, reason=reason, location=dossier.unit.name)


def _result_item(result: SignedResult) -> dict[str, str]:
    """A DanhSachGiayToKetQua item (DVCQG field names)."""
    return {
        "TenGiayTo": result.title,
        "MaGiayToKetQua": result.document_code,
        "DuongDanTepTinKetQua": download_path(result),
    }


def _record_on_dossier(dossier: Dossier, result: SignedResult, actor: Actor, action: str) -> None:
    """Put the result in ``dossier.results`` (replacing the document's earlier version),
    refresh the derived columns, append the ``updated`` event and the audit record."""
    before = {"results": dossier.results, "has_result_file": dossier.has_result_file}
    others = [r for r in dossier.results if r.get("MaGiayToKetQua") != result.document_code]
    dossier.results = [*others, _result_item(result)]
    flags = derive_flags(dossier.components, dossier.fees, dossier.results, dossier.supplements)
    dossier.has_result_file = flags["has_result_file"]
    after = {"results": dossier.results, "has_result_file": dossier.has_result_file}
    changes = history.diff(before, after)
    dossier.content_hash = history.content_hash(dossier)
    event = history.append_event(
        dossier,
        DossierEvent.Kind.UPDATED,
        actor=actor,
        changes=changes,
        occurred_at=result.signed_at,
        source="signing",
    )
    dossier.save(update_fields=["results", "has_result_file", "content_hash", "updated_at"])
    refresh_buckets([bucket_of(dossier.unit_id, dossier.received_at)])
    audit.record(
        action,
        actor=actor,
        object_type="signed_result",
        object_id=result.pk,
        code=result.code,
        dossier=dossier.code,
        seq=event.seq,
        version=result.version,
        sha256=result.sha256,
        signer=result.signer_subject,
        replaces=result.replaces.code if result.replaces else "",
        reason=result.reason,
    )


def _insert(dossier: Dossier, signed: pdf.Signed, actor: Actor, **fields: Any) -> SignedResult:
    result = SignedResult(
        dossier=dossier,
        pdf=signed.pdf,
        sha256=signed.sha256,
        signature_sha256=signed.signature_sha256,
        signer_subject=signed.signer,
        signer_fingerprint=signed.fingerprint,
        signed_at=signed.signed_at,
        public_token=TOKEN_PREFIX + secrets.token_urlsafe(32),
        issued_by=actor if isinstance(actor, User) else None,
        actor_label=audit.actor_label(actor),
        **fields,
    )
    try:
        with transaction.atomic():
            result.save(force_insert=True)
    except IntegrityError:
        raise SigningError(
            _("Kết quả %(code)s vừa được người khác ban hành; hãy tải lại trang.")
            % {"code": fields["code"]}
        ) from None
    return result


def _next_document_code(dossier: Dossier) -> str:
    taken = set(
        SignedResult.objects.filter(dossier=dossier).values_list("document_code", flat=True)
    )
    number = len(taken) + 1
    while f"{dossier.code}-KQ{number}" in taken:
        number += 1
    return f"{dossier.code}-KQ{number}"


def version_code(document_code: str, version: int) -> str:
    return f"{document_code}-V{version}"


def issue_result(dossier: Dossier, *, actor: Actor, title: str | None = None) -> SignedResult:
    """Generate, sign, store and record the dossier's result document.

    Refuses (:class:`SigningError`) a dossier that was refused, withdrawn, stopped or not
    yet received, a user without the right to process the dossier's unit, and a unit
    with no certificate. Idempotent: when the dossier already has a current result with
    this title, that result is returned and nothing is written (a retried request does
    not issue a second document); use :func:`correct_result` to change one.
    """
    _check_actor(actor, dossier)
    _check_status(dossier)
    template = template_for(dossier)
    title = (title or template.title).strip()
    existing = _current_with_title(dossier, title)
    if existing is not None:
        return existing
    document_code = _next_document_code(dossier)
    code = version_code(document_code, 1)
    context = _context(dossier, code, title, 1, "")
    signed = _sign(dossier, _render(dossier, template, context), title)
    with transaction.atomic():
        locked = workflow.lock(dossier.pk)
        _check_status(locked)
        existing = _current_with_title(locked, title)
        if existing is not None:
            return existing
        result = _insert(
            locked, signed, actor, document_code=document_code, version=1, code=code, title=title
        )
        _record_on_dossier(locked, result, actor, "signing.issue")
    _refresh(dossier, locked)
    return result


def _current_with_title(dossier: Dossier, title: str) -> SignedResult | None:
    return SignedResult.objects.current().filter(dossier=dossier, title=title).first()


def correct_result(result: SignedResult, *, actor: Actor, reason: str) -> SignedResult:
    """Issue a corrected version (đính chính) of ``result`` with its own signature.

    Only the current version can be corrected, and only with a reason. The new version
    replaces the old one in the dossier's ``results``; the old row stays unchanged and is
    superseded (:attr:`SignedResult.is_current` is false).
    """
    if not reason.strip():
        raise SigningError(_("Cần ghi rõ lý do đính chính kết quả (a reason is required)."))
    dossier = result.dossier
    _check_actor(actor, dossier)
    if not result.is_current:
        raise SigningError(
            _("Kết quả %(code)s đã được đính chính trước đó; hãy đính chính phiên bản mới nhất.")
            % {"code": result.code}
        )
    version = result.version + 1
    code = version_code(result.document_code, version)
    context = _context(dossier, code, result.title, version, reason)
    document = _render(dossier, template_for(dossier), context)
    signed = _sign(dossier, document, f"Đính chính: {reason}")
    with transaction.atomic():
        locked = workflow.lock(dossier.pk)
        corrected = _insert(
            locked,
            signed,
            actor,
            document_code=result.document_code,
            version=version,
            code=code,
            title=result.title,
            replaces=result,
            reason=reason,
        )
        _record_on_dossier(locked, corrected, actor, "signing.correct")
    _refresh(dossier, locked)
    return corrected


def _refresh(dossier: Dossier, locked: Dossier) -> None:
    """Bring the caller's dossier object up to date with what was saved."""
    for name in ("results", "has_result_file", "content_hash", "version", "updated_at"):
        setattr(dossier, name, getattr(locked, name))
