"""Verifying a signed PDF (pyHanko): is the signature valid, by whom, when, was the file
changed after signing, is the signer's certificate trusted, and which stored result is it.

Trust: a certificate is trusted when it chains to a root from
:func:`motcua.signing.credentials.trust_roots` (the demo authority and SIGNING_TRUST_ROOTS).
No network is used (no OCSP, CRL or AIA fetching).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from motcua.signing import credentials
from motcua.signing.models import SignedResult
from motcua.signing.pdf import _first_signature, outside_event_loop, signature_digest

logger = logging.getLogger(__name__)


@dataclass
class Verdict:
    """What the verification page shows; ``problems`` are sentences for the reader."""

    has_signature: bool = False
    intact: bool = False  # the signed bytes hash to what was signed
    valid: bool = False  # the signature itself verifies with the signer's key
    trusted: bool = False  # the signer's certificate chains to a trusted root
    modified_after_signing: bool = False
    signer: str = ""
    issuer: str = ""
    signed_at: dt.datetime | None = None
    result: SignedResult | None = None
    is_current: bool | None = None
    current_code: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.has_signature
            and self.intact
            and self.valid
            and self.trusted
            and not self.modified_after_signing
        )

    @property
    def outcome(self) -> str:
        """A short label for the log."""
        if not self.has_signature:
            return "no-signature"
        if not (self.intact and self.valid) or self.modified_after_signing:
            return "modified"
        if not self.trusted:
            return "untrusted"
        return "valid"


def verify_pdf(data: bytes) -> Verdict:
    """Check the first signature of ``data`` and match it to a stored result."""
    verdict = Verdict()
    embedded = _first_signature(data)
    if embedded is None:
        verdict.problems.append(_("Tệp không phải PDF có chữ ký số."))
        return verdict
    verdict.has_signature = True
    _validate(embedded, verdict)
    _match(data, verdict)
    return verdict


def verify_result(result: SignedResult) -> Verdict:
    """Verify a stored result's own bytes (look-up by code)."""
    return verify_pdf(bytes(result.pdf))


def _validation_context() -> object:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko_certvalidator import ValidationContext

    roots = [
        asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
        for cert in credentials.trust_roots()
    ]
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _validate(embedded: object, verdict: Verdict) -> None:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel

    try:
        context = _validation_context()
        status = outside_event_loop(
            lambda: validate_pdf_signature(embedded, context)  # type: ignore[arg-type]
        )
    except Exception as exc:  # a stranger's file: broken is an answer
        logger.info("signing: signature could not be validated: %s", exc)
        verdict.problems.append(_("Không kiểm tra được chữ ký: dữ liệu chữ ký bị hỏng."))
        return
    verdict.intact, verdict.valid, verdict.trusted = status.intact, status.valid, status.trusted
    verdict.signer = _common_name(status.signing_cert.subject)
    verdict.issuer = _common_name(status.signing_cert.issuer)
    verdict.signed_at = status.signer_reported_dt
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    changed_after = status.modification_level not in (None, ModificationLevel.NONE)
    verdict.modified_after_signing = not whole or changed_after or not status.intact
    if not (status.intact and status.valid):
        verdict.problems.append(
            _("Nội dung tệp đã bị thay đổi sau khi ký: chữ ký không khớp với nội dung.")
        )
    elif verdict.modified_after_signing:
        verdict.problems.append(_("Tệp đã được bổ sung nội dung sau khi ký."))
    if not status.trusted:
        verdict.problems.append(
            _("Chứng thư của người ký không do tổ chức cung cấp dịch vụ tin cậy cấp.")
        )


def _common_name(name: object) -> str:
    native = getattr(name, "native", {}) or {}
    value = native.get("common_name") if isinstance(native, dict) else None
    return str(value or getattr(name, "human_friendly", ""))


def _match(data: bytes, verdict: Verdict) -> None:
    """The stored result with these exact bytes, or with this signature."""
    digest = hashlib.sha256(data).hexdigest()
    result = SignedResult.objects.filter(sha256=digest).first()
    if result is None:
        signature = signature_digest(data)
        if signature:
            result = SignedResult.objects.filter(signature_sha256=signature).first()
    if result is None:
        return
    verdict.result = result
    current = result.current_version()
    verdict.is_current = current.pk == result.pk
    verdict.current_code = current.code
    if not verdict.is_current:
        verdict.problems.append(
            _("Phiên bản này đã được đính chính, thay bằng kết quả %(code)s.")
            % {"code": current.code}
        )
