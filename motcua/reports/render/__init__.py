"""Renderers of a report :class:`~motcua.reports.document.Document`."""

from __future__ import annotations

from motcua.reports.document import Document

FORMATS = ("xlsx", "docx", "pdf")


def render(doc: Document, fmt: str) -> bytes:
    if fmt == "xlsx":
        from motcua.reports.render import xlsx

        return xlsx.render(doc)
    if fmt == "docx":
        from motcua.reports.render import docx

        return docx.render(doc)
    if fmt == "pdf":
        from motcua.reports.render import pdf

        return pdf.render(doc)
    raise ValueError(f"unknown format {fmt!r} (xlsx, docx, pdf)")
