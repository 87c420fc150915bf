"""The result document: a procedure's template rendered to HTML, printed by WeasyPrint,
then signed (PAdES baseline B, pyHanko) with the unit's certificate.

The signature field is invisible; the printed page carries a signature block (signer,
date, result code and where to verify), written in Vietnamese with the document's own
fonts. WeasyPrint and pyHanko are imported only here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.signing import pki

FIELD_NAME = "ChuKySo"
logger = logging.getLogger(__name__)
T = TypeVar("T")


def outside_event_loop(call: Callable[[], T]) -> T:
    """Run ``call`` here, or in a worker thread when this thread runs an event loop.

    pyHanko's synchronous API starts its own event loop (``asyncio.run``), which Python
    refuses inside a running one (an async caller, a Playwright test).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    sha256: str
    signature_sha256: str
    signer: str
    fingerprint: str
    signed_at: dt.datetime


def render_body(template_text: str, context: dict[str, Any]) -> str:
    """A ResultTemplate body (Django template language, autoescaped) rendered."""
    return Template(template_text).render(Context(context, autoescape=True))


def render_html(context: dict[str, Any]) -> str:
    return render_to_string("signing/result_pdf.html", context)


def print_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def sign(pdf: bytes, archive: bytes, password: str, *, reason: str, location: str) -> Signed:
    """Sign ``pdf`` with the PKCS#12 ``archive``: PAdES (ETSI.CAdES.detached), SHA-256."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    credential = pki.from_pkcs12(archive, password)
    signer = signers.SimpleSigner.load_pkcs12_data(archive, [], password.encode() or None)
    signed_at = timezone.now().replace(microsecond=0)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location,
        name=credential.subject,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, new_field_spec=fields.SigFieldSpec(FIELD_NAME)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
    # pyHanko's signing time is its own clock at signing; read it back from the CMS.
    signed = output.getvalue()
    return Signed(
        pdf=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        signature_sha256=signature_digest(signed) or "",
        signer=credential.subject,
        fingerprint=credential.fingerprint,
        signed_at=_claimed_time(signed) or signed_at,
    )


def signature_digest(pdf: bytes) -> str | None:
    """SHA-256 of the first signature's CMS object (identifies a signature even when the
    rest of the file was changed), or None when the file has no readable signature."""
    embedded = _first_signature(pdf)
    if embedded is None:
        return None
    return hashlib.sha256(bytes(embedded.pkcs7_content)).hexdigest()


def _first_signature(pdf: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as exc:  # any stranger's file: unreadable is an answer
        logger.info("signing: unreadable PDF (%s: %s)", type(exc).__name__, exc)
        return None
    return signatures[0] if signatures else None


def _claimed_time(pdf: bytes) -> dt.datetime | None:
    embedded = _first_signature(pdf)
    return embedded.self_reported_timestamp if embedded is not None else None
