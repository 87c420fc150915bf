"""Reports on the demo province: seed 000's appendices and the demo campaign."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from motcua.campaigns.models import Campaign, Snapshot
from motcua.demo import appendix
from motcua.indicators.period import Period
from motcua.reports.appendices import appendix2, appendix3
from motcua.reports.build import build
from motcua.reports.render import render

pytestmark = pytest.mark.django_db
SEED_PERIOD = Period(appendix.PERIOD_START, appendix.PERIOD_END)


def test_appendix_2_has_exactly_seed_000s_figures(demo) -> None:
    doc = appendix2(SEED_PERIOD, None)
    table = doc.blocks[0]
    rows = {r["code"]: r for s in table.sections for r in s.rows}
    assert set(rows) == {r.code for r in appendix.ROWS}
    for r in appendix.ROWS:
        got = rows[r.code]
        assert (got["received"], got["online"], got["resolved"]) == (
            r.received,
            r.received_online,
            r.resolved_online,
        )
    a, b = table.sections
    assert (a.label, b.label) == ("A", "B")
    for section in table.sections:
        rates = [row["resolved_rate"] for row in section.rows]
        assert rates == sorted(rates, reverse=True)
    assert (table.total["received"], table.total["online"], table.total["resolved"]) == (
        appendix.province_totals()
    )


def test_appendix_3_matches_the_printed_payments(demo) -> None:
    tables = [b for b in appendix3(SEED_PERIOD, None).blocks if hasattr(b, "sections")]
    land, fees = (
        [(r["name"], r["count"], r["amount"]) for r in t.sections[0].rows] for t in tables
    )
    assert [x[1:] for x in land] == [(p.count, p.amount) for p in appendix.LAND_TAX]
    assert [x[1:] for x in fees] == [(p.count, p.amount) for p in appendix.FEES]
    assert (tables[0].total["count"], tables[0].total["amount"]) == appendix.PRINTED_LAND_TAX_TOTAL


def test_appendix_2_xlsx_has_real_numbers_and_a_frozen_header(demo) -> None:
    wb = load_workbook(io.BytesIO(render(appendix2(SEED_PERIOD, None), "xlsx")))
    ws = wb.active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert 18775 in values and 2549 in values  # numbers, not text
    assert ws.freeze_panes is not None
    cell = next(c for row in ws.iter_rows() for c in row if c.value == 18775)
    assert cell.number_format == "#,##0"


def test_appendix_docx_uses_vietnamese_formats_and_the_footnote(demo) -> None:
    d = Docx(io.BytesIO(render(appendix2(SEED_PERIOD, None), "docx")))
    text = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "18.775" in text and "124.297" in text and "99%" in text
    paragraphs = "\n".join(p.text for p in d.paragraphs)
    assert "từ ngày 01/01/2024 đến ngày 16/07/2024" in paragraphs
    assert d.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (CI installs it)")
def test_appendix_3_pdf_text(demo, tmp_path) -> None:
    path = tmp_path / "a3.pdf"
    path.write_bytes(render(appendix3(SEED_PERIOD, None), "pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2.614.507.177" in text and "776.774.437" in text and "17.175.000" in text


def test_the_demo_campaign_has_its_weekly_snapshots(demo) -> None:
    campaign = Campaign.objects.get()
    assert (campaign.start, campaign.end) == (dt.date(2024, 9, 1), dt.date(2024, 10, 31))
    assert Snapshot.objects.filter(campaign=campaign).count() == 9
    assert {(t.level, float(t.value)) for t in campaign.targets.all()} == {
        ("agency", 20.0),
        ("district", 10.0),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_campaign_report_in_every_format(demo, fmt, tmp_path) -> None:
    campaign = Campaign.objects.get()
    doc = build("campaign", Period(campaign.start, dt.date(2024, 10, 31)), campaign_obj=campaign)
    data = render(doc, fmt)
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(data)).worksheets[0]
        text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
        assert len(load_workbook(io.BytesIO(data)).worksheets) == 5  # report + 4 charts
    elif fmt == "docx":
        d = Docx(io.BytesIO(data))
        text = "\n".join(p.text for p in d.paragraphs) + "\n".join(
            c.text for t in d.tables for row in t.rows for c in row.cells
        )
        assert len(d.inline_shapes) == 4  # a trend and a ranking chart per indicator
    else:
        if not shutil.which("pdftotext"):
            pytest.skip("needs poppler-utils (CI installs it)")
        path = tmp_path / "c.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    for expected in (
        "UBND huyện Krông Nô",
        "Đạt",
        "07/09",
        "31/10",
        "XẾP HẠNG",
        "Đề xuất khen thưởng",
        "Quá hạn",
    ):
        assert "".join(expected.split()) in "".join(text.split()), expected


def test_scorecard_names_the_costliest_indicators(demo) -> None:
    from motcua.units.models import Unit

    unit = Unit.objects.get(code="H67.03")
    doc = build("scorecard", Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), root_id=unit.pk)
    d = Docx(io.BytesIO(render(doc, "docx")))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Mất nhiều điểm nhất" in text
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "Tổng điểm" in cells and "Nhóm 2" in cells
