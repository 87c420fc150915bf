"""PDF: the report's HTML template (the one the web pages use) printed by WeasyPrint.

WeasyPrint is imported only here, when a PDF is asked for.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from motcua.reports.document import Chart, Column, Document, Heading, Paragraph, Table, cell_text
from motcua.reports.render import charts


def _table(table: Table) -> dict[str, Any]:
    columns = ([Column("_stt", "STT", "text", 6)] if table.numbered else []) + table.columns
    total_width = sum(c.width for c in columns)
    sections = []
    for s in table.sections:
        rows = []
        for n, row in enumerate(s.rows, start=1):
            cells = ([(str(n), "text")] if table.numbered else []) + [
                (cell_text(c.kind, row.get(c.key)), c.kind) for c in table.columns
            ]
            rows.append(cells)
        sections.append({"label": s.label, "title": s.title, "rows": rows})
    total = None
    if table.total:
        total = ([("", "text")] if table.numbered else []) + [
            (cell_text(c.kind, table.total.get(c.key)) if c.key in table.total else "", c.kind)
            for c in table.columns
        ]
    return {
        "type": "table",
        "title": table.title,
        "columns": [(c.title, round(100 * c.width / total_width, 2)) for c in columns],
        "numbered": table.numbered,
        "span": len(columns) - (1 if table.numbered else 0),
        "sections": sections,
        "total": total,
        "footnote": table.footnote,
        "small": table.small,
    }


def context(doc: Document) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            blocks.append({"type": "heading", "text": block.text, "level": block.level})
        elif isinstance(block, Paragraph):
            blocks.append({"type": "paragraph", "text": block.text, "italic": block.italic})
        elif isinstance(block, Table):
            blocks.append(_table(block))
        elif isinstance(block, Chart):
            svg = base64.b64encode(charts.render(block, "svg")).decode()
            blocks.append(
                {"type": "chart", "src": f"data:image/svg+xml;base64,{svg}", "title": block.title}
            )
    return {"doc": doc, "blocks": blocks}


def render_html(doc: Document) -> str:
    return render_to_string("reports/document.html", context(doc))


def render(doc: Document) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=render_html(doc)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
