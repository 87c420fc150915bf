"""Spreadsheets: real numbers with Vietnamese display formats, frozen headers, fitted widths."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.reports.document import Chart, Column, Document, Heading, Paragraph, Table
from motcua.reports.render import charts

FORMATS = {"int": "#,##0", "money": "#,##0", "rate": "0%", "rate1": "0.0%", "points": "+0.0;-0.0;0"}
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Times New Roman"


def _value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "points":
        return round(value * 100, 4)
    return value


def _table(ws: Worksheet, row: int, table: Table, widths: dict[int, float]) -> int:
    columns = ([Column("_stt", "STT", "text", 6)] if table.numbered else []) + table.columns
    if table.title:
        ws.cell(row, 1, table.title).font = Font(name=FONT, bold=True)
        row += 1
    header_row = row
    for i, col in enumerate(columns, start=1):
        c = ws.cell(row, i, col.title)
        c.font = Font(name=FONT, bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        c.border = BOX
        widths[i] = max(widths.get(i, 0), col.width)
    row += 1
    for section in table.sections:
        if section.title:
            ws.cell(row, 1, section.label).font = Font(name=FONT, bold=True)
            ws.cell(row, 2 if table.numbered else 1, section.title).font = Font(
                name=FONT, bold=True
            )
            row += 1
        for n, data in enumerate(section.rows, start=1):
            values = ([n] if table.numbered else []) + [
                _value(c, data.get(c.key)) for c in table.columns
            ]
            for i, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
                cell = ws.cell(row, i, value)
                cell.font = Font(name=FONT)
                cell.border = BOX
                if col.kind in FORMATS:
                    cell.number_format = FORMATS[col.kind]
                if col.kind == "text" and col.key != "_stt":
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    if table.total:
        for i, col in enumerate(columns, start=1):
            value = None if col.key == "_stt" else table.total.get(col.key)
            cell = ws.cell(row, i, value if col.kind == "text" else _value(col, value))
            cell.font = Font(name=FONT, bold=True)
            cell.border = BOX
            if col.kind in FORMATS:
                cell.number_format = FORMATS[col.kind]
        row += 1
    if table.footnote:
        ws.cell(row, 1, table.footnote).font = Font(name=FONT, italic=True)
        row += 1
    if ws.freeze_panes is None:
        ws.freeze_panes = ws.cell(header_row + 1, 1)
    return row + 1


def _sheet_title(text: str, n: int) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", " ", text)[:28].strip()
    return clean or f"Sheet{n}"


def render(doc: Document) -> bytes:
    wb = Workbook()
    ws: Worksheet = wb.active
    ws.title = doc.kind
    row = 1
    for line in doc.title:
        ws.cell(row, 1, line).font = Font(name=FONT, bold=True, size=13)
        row += 1
    row += 1
    widths: dict[int, float] = {}
    images = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            ws.cell(row, 1, block.text).font = Font(name=FONT, bold=True)
            row += 1
        elif isinstance(block, Paragraph):
            ws.cell(row, 1, block.text).font = Font(name=FONT, italic=block.italic)
            row += 1
        elif isinstance(block, Table):
            row = _table(ws, row, block, widths)
        elif isinstance(block, Chart):
            images += 1
            sheet = wb.create_sheet(_sheet_title(f"Biểu đồ {images}", images))
            sheet.cell(1, 1, block.title).font = Font(name=FONT, bold=True)
            sheet.add_image(Image(io.BytesIO(charts.render(block, "png"))), "A3")
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = width + 2
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
