"""``motcua report check-figures``: seed 000's appendix 2 and small made-up tables."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from motcua.reports.check import check_file, parse_number

HEADER = (
    "STT\tTên đơn vị\tTổng số hồ sơ\tHồ sơ tiếp nhận trực tuyến\tTỷ lệ tiếp nhận\t"
    "Hồ sơ giải quyết trực tuyến\tTỷ lệ giải quyết"
)


def appendix_2_of_seed_000(seeds, tmp_path):
    text = next(seeds.glob("000_*.txt")).read_text(encoding="utf-8")
    table = text.split("**PHỤ LỤC 2**")[1].split("**PHỤ LỤC 3**")[0]
    path = tmp_path / "a2.tsv"
    lines = [ln for ln in table.splitlines() if "\t" in ln]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.shared
def test_finds_the_inconsistent_rows_of_seed_000s_appendix_2(shared_seeds, tmp_path) -> None:
    findings = check_file(appendix_2_of_seed_000(shared_seeds, tmp_path), [114251, 37051, 30976])
    text = [str(f) for f in findings]
    assert {f.unit for f in findings if f.line} == {"Sở Giao thông vận tải", "Sở Nội vụ"}
    assert any("97%" in t and "4.631/4.789" in t for t in text)  # rate over the wrong column
    assert any("(40) lớn hơn" in t for t in text)  # resolved above received online
    assert any("114.251" in t and "124.297" in t for t in text)  # the headline total


def test_a_consistent_table_passes_and_rounding_is_tolerated(tmp_path, capsys) -> None:
    path = tmp_path / "ok.tsv"
    path.write_text(
        f"{HEADER}\n1\tA\t1.000\t315\t32%\t300\t30%\n2\tB\t3\t1\t33,3%\t1\t33%\n"
        "\tTổng cộng\t1.003\t316\t\t301\t\n",
        encoding="utf-8",
    )
    assert check_file(path) == []
    call_command("report", "check-figures", str(path))
    assert "khớp" in capsys.readouterr().out


def test_counts_above_the_total_and_wrong_sums(tmp_path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER.replace("\t", ",") + "\n1,A,10,12,120%,1,10%\n,Tổng,11,12,,1,\n", encoding="utf-8"
    )
    findings = [str(f) for f in check_file(path)]
    assert any("lớn hơn tổng số" in f for f in findings)
    assert any("Dòng 3 (Tổng)" in f and "11" in f for f in findings)
    with pytest.raises(SystemExit) as exc:
        call_command("report", "check-figures", str(path))
    assert exc.value.code == 1


def test_bad_input_is_one_line_with_exit_2(tmp_path, capsys) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("report", "check-figures", str(path))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "x.csv" in err


def test_vietnamese_numbers() -> None:
    assert parse_number("18.775") == 18775
    assert parse_number("32,4%") == 32.4
    assert parse_number("01") == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            [
                "appendix2",
                "--from",
                "2024-13-01",
                "--to",
                "2024-07-16",
                "--format",
                "pdf",
                "--out",
                "x.pdf",
            ],
            "--from",
        ),
        (["appendix2", "--from", "2024-01-01", "--to", "2024-07-16"], "--format"),
        (["appendix2", "--from", "2024-01-01", "--format", "xlsx", "--out", "x.xlsx"], "--to"),
        (["campaign", "--format", "pdf", "--out", "x.pdf"], "--campaign"),
    ],
)
@pytest.mark.django_db
def test_report_bad_input_is_one_line_with_exit_2(args, says, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command("report", *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
