"""Plan tasks: import like seed 004's appendix I, errors with line and column, flags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from motcua.campaigns.models import Plan, PlanTask, TaskReport
from motcua.campaigns.plans import flags, parse_deadline
from motcua.units.models import Level
from tests.indicators.conftest import make_unit

pytestmark = pytest.mark.django_db

HEADER = (
    "TT,Tên nhiệm vụ,Sản phẩm dự kiến hoàn thành,Cơ quan chủ trì,"
    "Cơ quan, đơn vị phối hợp,Thời gian thực hiện"
)
ROWS = [
    "1,Đẩy mạnh chứng thực bản sao điện tử,Hồ sơ được chứng thực điện tử,"
    '"UBND cấp huyện, UBND cấp xã",Sở Tư pháp,Thường xuyên',
    "2,Kiểm tra việc thực hiện TTHC,Lồng ghép kiểm tra,Sở Tư pháp,Sở Nội vụ,Quý III/2024",
    "3,Ban hành Quy chế,Quyết định,Sở Nội vụ,,31/12/2024",
    "4,,Văn bản giải trình,Sở Tư pháp,,Thường xuyên",
]


@pytest.fixture
def units(db):
    return {
        "tp": make_unit("H67.11"),
        "nv": make_unit("H67.08"),
        "d": make_unit("H67.30", Level.DISTRICT),
    }


def named(units) -> None:
    for key, name in (("tp", "Sở Tư pháp"), ("nv", "Sở Nội vụ")):
        units[key].name = name
        units[key].save()


def csv_file(tmp_path, rows, header=HEADER):
    # the header's "Cơ quan, đơn vị phối hợp" has a comma: quote it
    header = header.replace("Cơ quan, đơn vị phối hợp", '"Cơ quan, đơn vị phối hợp"')
    path = tmp_path / "tasks.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def fails(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exc:
        call_command(*args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


def test_deadlines() -> None:
    assert parse_deadline("Quý III/2024").due == dt.date(2024, 9, 30)
    assert parse_deadline("Quý IV/2024").due == dt.date(2024, 12, 31)
    assert parse_deadline("31/12/2024").due == dt.date(2024, 12, 31)
    assert parse_deadline("Thường xuyên").kind == PlanTask.Deadline.RECURRING
    assert parse_deadline("Ngay sau khi Văn phòng Chính phủ có chỉ đạo").kind == "other"


def test_import_like_seed_004(units, tmp_path, capsys) -> None:
    named(units)
    call_command("plans_import", str(csv_file(tmp_path, ROWS)), "--plan", "80/KH-UBND")
    plan = Plan.objects.get()
    tasks = {t.number: t for t in plan.tasks.all()}
    assert tasks[1].lead_levels == [Level.DISTRICT, Level.COMMUNE]
    assert list(tasks[1].coordinating_units.all()) == [units["tp"]]
    assert tasks[2].due == dt.date(2024, 9, 30)
    assert tasks[4].content == tasks[3].content  # an empty name continues the row above


def test_xlsx_import(units, tmp_path) -> None:
    named(units)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.replace("Cơ quan, đơn vị", "Cơ quan; đơn vị").split(","))
    ws.cell(1, 5, "Cơ quan, đơn vị phối hợp")
    ws.append([1, "Nhiệm vụ", "Sản phẩm", "Sở Nội vụ", "", "Quý IV/2024"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    call_command("plans_import", str(path), "--plan", "1/KH")
    assert PlanTask.objects.get().due == dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        (["x,Nhiệm vụ,,Sở Nội vụ,,Thường xuyên"], "dòng 2, cột tt"),
        (["1,Nhiệm vụ,,Sở Nội vụ,,"], "dòng 2, cột thoi gian thuc hien"),
        (
            ["1,Nhiệm vụ,,Sở Nội vụ,,Quý I/2025", "2,Khác,,Cục Thuế tỉnh,,Quý I/2025"],
            "dòng 3, cột co quan chu tri",
        ),
        (["1,A,,Sở Nội vụ,,Quý I/2025", "1,B,,Sở Nội vụ,,Quý I/2025"], "dòng 3, cột tt"),
    ],
)
def test_errors_name_line_and_column_and_nothing_is_saved(units, tmp_path, capsys, rows, where):
    named(units)
    err = fails(capsys, "plans_import", str(csv_file(tmp_path, rows)), "--plan", "9/KH")
    assert where in err
    assert not PlanTask.objects.exists() and not Plan.objects.exists()


def test_a_missing_column_is_named(units, tmp_path, capsys) -> None:
    path = csv_file(tmp_path, ["1,A"], header="TT,Tên nhiệm vụ")
    assert "thiếu cột" in fails(capsys, "plans_import", str(path), "--plan", "9/KH")


def test_external_bodies_are_kept_as_text_when_allowed(units, tmp_path) -> None:
    named(units)
    rows = ["1,Thanh toán thuế đất,,Sở Nội vụ,Cục Thuế tỉnh,Thường xuyên"]
    call_command(
        "plans_import", str(csv_file(tmp_path, rows)), "--plan", "9/KH", "--allow-external"
    )
    assert PlanTask.objects.get().external == ["cuc thue tinh"]


def test_overdue_tasks_and_missing_reports_are_flagged(units, tmp_path) -> None:
    named(units)
    call_command("plans_import", str(csv_file(tmp_path, ROWS)), "--plan", "80/KH-UBND")
    plan = Plan.objects.get()
    task2 = plan.tasks.get(number=2)
    TaskReport.objects.create(
        task=task2,
        unit=units["tp"],
        reported_on=dt.date(2024, 9, 1),
        status=TaskReport.Status.IN_PROGRESS,
    )
    found = {(f.task.number, f.kind): f.unit_ids for f in flags([plan], dt.date(2024, 10, 15))}
    assert found[(2, "overdue")] == {units["tp"].pk}  # in progress only: overdue
    assert (3, "overdue") not in found  # due 31/12
    assert found[(1, "missing_report")] == {units["d"].pk}  # recurring: no report this quarter
    TaskReport.objects.create(
        task=task2,
        unit=units["tp"],
        reported_on=dt.date(2024, 9, 30),
        status=TaskReport.Status.DONE,
    )
    found = {(f.task.number, f.kind) for f in flags([plan], dt.date(2024, 10, 15))}
    assert (2, "overdue") not in found


@pytest.mark.shared
def test_seed_004s_appendix_imports_with_external_bodies(shared_seeds, tmp_path) -> None:
    names = {
        "H67.01": "Văn phòng UBND tỉnh",
        "H67.02": "Sở Tư pháp",
        "H67.03": "Sở Thông tin và Truyền thông",
        "H67.04": "Sở Tài nguyên và Môi trường",
        "H67.05": "Sở Nội vụ",
    }
    for code, name in names.items():
        unit = make_unit(code)
        unit.name = name
        unit.save()
    text = next(shared_seeds.glob("004_*.txt")).read_text(encoding="utf-8")
    table = text.split("**PHỤ LỤC I. CÁC NHIỆM VỤ CỤ THỂ**")[1].split("**PHỤ LỤC II")[0]
    path = tmp_path / "seed004.tsv"
    path.write_text("\n".join(ln for ln in table.splitlines() if "\t" in ln), encoding="utf-8")
    call_command("plans_import", str(path), "--plan", "004/KH-UBND", "--allow-external")
    tasks = {t.number: t for t in PlanTask.objects.all()}
    assert sorted(tasks) == list(range(1, 35))
    assert tasks[11].due == dt.date(2024, 9, 30)  # Quý III/2024
    assert tasks[34].due == dt.date(2024, 12, 31)  # Quý IV/2024
    assert tasks[1].deadline_kind == PlanTask.Deadline.RECURRING
    assert tasks[27].deadline_kind == PlanTask.Deadline.OTHER  # "Ngay sau khi …"
    assert tasks[29].content == tasks[28].content  # an empty name continues the task above
    assert tasks[32].lead_text == tasks[31].lead_text  # merged cells in the original
    assert "danh mục thông tin máy chủ" in tasks[32].product  # broken over a page
    assert tasks[3].external == ["cuc thue tinh"]
    assert list(tasks[2].lead_units.values_list("code", flat=True)) == ["H67.03"]
