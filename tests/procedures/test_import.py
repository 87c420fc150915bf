"""Importing the procedure catalogue: upsert by code, history kept, all or nothing."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.audit.models import AuditEvent
from motcua.procedures.models import Field, Procedure, ServiceLevel
from motcua.procedures.services import CatalogueError, import_procedures
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db

HEADER = "code,name,field,levels,time_limit_days,service_level,has_fee,requires_result"
BIRTH = "2.000815,Đăng ký khai sinh,Hộ tịch,commune,3,một phần,0,1"
COPY = "1.001234,Chứng thực bản sao từ bản chính,Chứng thực,district;commune,0.5,toàn trình,1,1"
TODAY = dt.date(2025, 6, 1)


def csv(*lines: str) -> BytesIO:
    return BytesIO(("\n".join(lines) + "\n").encode())


def load(*lines: str, today: dt.date = TODAY):
    return import_procedures(csv(*lines), today=today)


def errors_of(*lines: str) -> list[tuple[int, str, str]]:
    with pytest.raises(CatalogueError) as caught:
        load(*lines)
    return [(e.line, e.column, e.value) for e in caught.value.errors]


def test_it_creates_procedures_with_their_facts() -> None:
    report = load(HEADER, BIRTH, COPY)
    assert (report.created, report.updated) == (["2.000815", "1.001234"], [])
    copy = Procedure.objects.get(code="1.001234")
    assert copy.levels == ["district", "commune"]
    assert copy.time_limit == Decimal("0.5")
    assert copy.has_fee and copy.requires_result
    assert copy.field is not None and copy.field.name == "Chứng thực"
    assert copy.service_level_on(dt.date(2020, 1, 1)) == ServiceLevel.FULL
    assert Procedure.objects.get(code="2.000815").service_level_on(TODAY) == ServiceLevel.PARTIAL


def test_a_second_import_of_the_same_file_changes_nothing() -> None:
    load(HEADER, BIRTH, COPY)
    report = load(HEADER, BIRTH, COPY)
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 2)
    assert Field.objects.count() == 2


def test_it_updates_by_code() -> None:
    load(HEADER, BIRTH)
    report = load(HEADER, BIRTH.replace(",3,", ",5,"))
    assert report.updated == ["2.000815"]
    assert Procedure.objects.get().time_limit == 5


def test_a_new_level_with_a_new_date_appends_a_version() -> None:
    header = HEADER + ",service_level_from"
    load(header, BIRTH + ",2024-01-01")
    load(header, BIRTH.replace("một phần", "full") + ",2025-03-01")
    procedure = Procedure.objects.get()
    history = list(procedure.service_levels.values_list("valid_from", "level"))
    assert history == [(dt.date(2024, 1, 1), "partial"), (dt.date(2025, 3, 1), "full")]
    assert procedure.service_level_on(dt.date(2024, 12, 31)) == "partial"
    assert procedure.service_level_on(dt.date(2025, 3, 1)) == "full"


def test_an_undated_change_applies_from_the_import_day() -> None:
    load(HEADER, BIRTH)
    load(HEADER, BIRTH.replace("một phần", "toàn trình"), today=TODAY)
    history = list(Procedure.objects.get().service_levels.values_list("valid_from", "level"))
    assert history == [(dt.date(1900, 1, 1), "partial"), (TODAY, "full")]


def test_online_payment_history_is_kept() -> None:
    header = HEADER + ",online_payment,online_payment_from"
    load(header, BIRTH + ",0,2024-01-01")
    load(header, BIRTH + ",1,2024-07-01")
    load(header, BIRTH + ",,")  # empty: no information, nothing changes
    procedure = Procedure.objects.get()
    assert not procedure.online_payment_on(dt.date(2024, 6, 30))
    assert procedure.online_payment_on(dt.date(2024, 7, 1))
    assert procedure.payment_deployments.count() == 1


def test_optional_columns() -> None:
    Unit.objects.create(code="H44.07", name="Sở Tư pháp", level="agency")
    header = (
        HEADER + ",field_code,time_limit_unit,fees,has_financial_obligation,applicant_types,"
        "essential,decision_number,decision_date,published_date,legal_basis_effective_date,"
        "published_components,agencies"
    )
    row = (
        COPY + ',CT,giờ,"Lệ phí cấp bản sao:20.000;Phí thẩm định:0",1,công dân;business,1,'
        "123/QĐ-UBND,15/01/2024,2024-01-20,2023-07-01,name;time_limit;agency,000.00.07.H44"
    )
    load(header, row)
    p = Procedure.objects.get()
    assert (p.field.code, p.time_limit_unit) == ("CT", "hours")
    assert list(p.fees.values_list("name", "amount")) == [
        ("Lệ phí cấp bản sao", 20000),
        ("Phí thẩm định", 0),
    ]
    assert p.has_financial_obligation and p.essential
    assert p.applicant_types == ["citizen", "business"]
    assert p.decision_date == dt.date(2024, 1, 15)
    assert p.published_components == ["name", "time_limit", "agency"]
    assert [u.code for u in p.agencies.all()] == ["H44.07"]
    assert load(header, row).unchanged == ["1.001234"]


def test_an_absent_optional_column_leaves_the_value_alone() -> None:
    load(HEADER + ",essential", BIRTH + ",1")
    load(HEADER, BIRTH)
    assert Procedure.objects.get().essential


def test_bom_and_nfd_text_are_normalised() -> None:
    text = "\n".join([HEADER, BIRTH]) + "\n"
    data = b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).encode()
    import_procedures(BytesIO(data), today=TODAY)
    procedure = Procedure.objects.get()
    assert procedure.name == unicodedata.normalize("NFC", "Đăng ký khai sinh")
    assert procedure.service_level_on(TODAY) == "partial"
    assert load(HEADER, BIRTH).unchanged == ["2.000815"]


def test_fields_match_without_accents_or_code() -> None:
    Field.objects.create(code="HT", name="Hộ tịch")
    load(HEADER, BIRTH)
    assert Procedure.objects.get().field.code == "HT"
    assert Field.objects.count() == 1


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("bad code!,X,F,commune,1,full,0,1", "code", "bad code!"),
        ("1.1,,F,commune,1,full,0,1", "name", ""),
        ("1.1,X,F,province;town,1,full,0,1", "levels", "province;town"),
        ("1.1,X,F,commune,ba,full,0,1", "time_limit_days", "ba"),
        ("1.1,X,F,commune,-1,full,0,1", "time_limit_days", "-1"),
        ("1.1,X,F,commune,1,mức 9,0,1", "service_level", "mức 9"),
        ("1.1,X,F,commune,1,full,maybe,1", "has_fee", "maybe"),
        ("1.1,X,F,commune,1,full,0,2", "requires_result", "2"),
    ],
)
def test_a_bad_cell_is_named(row: str, column: str, value: str) -> None:
    assert errors_of(HEADER, row) == [(2, column, value)]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("time_limit_unit", "weeks"),
        ("fees", "Lệ phí:hai mươi"),
        ("online_payment", "perhaps"),
        ("service_level_from", "2025-02-30"),
        ("applicant_types", "aliens"),
        ("decision_date", "yesterday"),
        ("published_components", "name;colour"),
        ("agencies", "H99.01"),
        ("agencies", "nowhere"),
    ],
)
def test_a_bad_optional_cell_is_named(column: str, value: str) -> None:
    assert errors_of(f"{HEADER},{column}", f"{BIRTH},{value}") == [(2, column, value)]


def test_has_fee_must_agree_with_the_fees() -> None:
    assert errors_of(HEADER + ",fees", BIRTH + ",Lệ phí:5000") == [(2, "has_fee", "0")]


def test_a_missing_column_is_named() -> None:
    header = HEADER.replace(",has_fee", "")
    assert errors_of(header, "2.1,X,F,commune,1,full,1") == [(1, "has_fee", "")]


def test_a_repeated_code_is_refused() -> None:
    assert errors_of(HEADER, BIRTH, COPY, BIRTH) == [(4, "code", "2.000815")]


def test_nothing_is_written_when_any_row_is_bad() -> None:
    with pytest.raises(CatalogueError) as caught:
        load(HEADER, BIRTH, COPY.replace("toàn trình", "???"), "1.2,,F,commune,1,full,0,1")
    assert [e.line for e in caught.value.errors] == [3, 4]
    assert not Procedure.objects.exists()
    assert not Field.objects.exists()


def test_a_file_that_is_not_utf8_is_refused() -> None:
    data = "\n".join([HEADER, BIRTH]).encode("utf-16")
    with pytest.raises(CatalogueError, match="UTF-8"):
        import_procedures(BytesIO(data))


def test_the_command_prints_counts_and_is_audited(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text("\n".join([HEADER, BIRTH, COPY]) + "\n", encoding="utf-8-sig")
    out = StringIO()
    call_command("procedures_import", str(path), stdout=out)
    assert out.getvalue().strip() == "created: 2, updated: 0, unchanged: 0"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_label) == ("procedures.import", "cli")


def test_the_command_lists_errors_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text("\n".join([HEADER, BIRTH.replace(",3,", ",x,")]) + "\n")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("procedures_import", str(path), stderr=err)
    assert "line 2, column time_limit_days: 'x'" in err.getvalue()


def test_the_command_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("procedures_import", str(tmp_path / "none.csv"))


def test_a_new_field_code_needs_a_name() -> None:
    header = HEADER + ",field_code"
    assert errors_of(header, BIRTH.replace("Hộ tịch", "") + ",HT") == [(2, "field", "")]
    Field.objects.create(code="HT", name="Hộ tịch")
    load(header, BIRTH.replace("Hộ tịch", "") + ",HT")
    assert Procedure.objects.get().field.code == "HT"
