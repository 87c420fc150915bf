"""Word documents (python-docx): A4 portrait, Times New Roman 13 pt (Decree 30/2020)."""

from __future__ import annotations

import io

from docx import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from motcua.reports.document import Chart, Column, Document, Heading, Paragraph, Table, cell_text
from motcua.reports.render import charts

FONT = "Times New Roman"
WIDTH_CM = 17.0  # A4 (21 cm) less 3 cm left and 1.5 cm right margins, minus a little


def _setup(d: object) -> None:
    section = d.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = d.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT
    )


def _para(
    d: object,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    size: float | None = None,
) -> None:
    p = d.add_paragraph()  # type: ignore[attr-defined]
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _motto(d: object, doc: Document) -> None:
    t = d.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    cells = [
        (0, 0, (doc.issuer or "").upper(), True),
        (0, 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        (1, 0, "", False),
        (1, 1, "Độc lập - Tự do - Hạnh phúc", True),
    ]
    for r, c, text, bold in cells:
        p = t.cell(r, c).paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(12 if c == 1 and r == 0 else 13)
    if doc.place_date:
        _para(d, doc.place_date, italic=True, center=False)


def _cell_margins(t: object, twips: int) -> None:
    """Left and right cell margins of a whole table (w:tblCellMar), in twentieths of a pt."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    t._tbl.tblPr.append(margins)  # type: ignore[attr-defined]


def _table(d: object, table: Table) -> None:
    columns = ([Column("_stt", "STT", "text", 6)] if table.numbered else []) + table.columns
    size = Pt(7 if table.small else 11)
    if table.title:
        _para(d, table.title, bold=True)
    t = d.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    total_width = sum(c.width for c in columns)
    # Fixed column widths in the table grid too: LibreOffice lays tables out from the grid,
    # Word from the cells; narrow cell margins for tables with many columns.
    t.autofit = False
    for i, column in enumerate(columns):
        t.columns[i].width = Cm(WIDTH_CM * column.width / total_width)
    if table.small:
        _cell_margins(t, twips=40)

    def write(cells: object, values: list[str], bold: bool = False) -> None:
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):  # type: ignore[call-overload]
            cell.width = Cm(WIDTH_CM * columns[i].width / total_width)
            p = cell.paragraphs[0]
            run = p.add_run(text)
            run.bold = bold
            run.font.size = size
            if columns[i].kind != "text":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    write(t.rows[0].cells, [c.title for c in columns], bold=True)
    for section in table.sections:
        if section.title:
            cells = t.add_row().cells
            merged = cells[1 if table.numbered else 0].merge(cells[-1])
            if table.numbered:
                cells[0].paragraphs[0].add_run(section.label).bold = True
            run = merged.paragraphs[0].add_run(section.title)
            run.bold = True
            run.font.size = size
        for n, row in enumerate(section.rows, start=1):
            values = ([str(n)] if table.numbered else []) + [
                cell_text(c.kind, row.get(c.key)) for c in table.columns
            ]
            write(t.add_row().cells, values)
    if table.total:
        values = ([""] if table.numbered else []) + [
            cell_text(c.kind, table.total.get(c.key)) if c.key in table.total else ""
            for c in table.columns
        ]
        write(t.add_row().cells, values, bold=True)
    if table.footnote:
        _para(d, table.footnote, italic=True, size=11)


def render(doc: Document) -> bytes:
    d = Docx()
    _setup(d)
    if doc.motto:
        _motto(d, doc)
    for i, line in enumerate(doc.title):
        _para(d, line, bold=True, center=True, size=14 if i == 0 else 13)
    for block in doc.blocks:
        if isinstance(block, Heading):
            _para(d, block.text, bold=True, italic=block.level > 1)
        elif isinstance(block, Paragraph):
            _para(d, block.text, italic=block.italic)
        elif isinstance(block, Table):
            _table(d, block)
        elif isinstance(block, Chart):
            d.add_picture(io.BytesIO(charts.render(block, "png")), width=Cm(16))
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()
