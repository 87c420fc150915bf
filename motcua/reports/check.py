"""``check-figures``: internal consistency of a hand-made table like seed 000's appendix 2.

The table has a name column, a total column ("Tổng số …"), count columns and rate columns
("Tỷ lệ …", each the rate of the count column just before it over the total). Rules:

* a printed rate must equal count / total × 100 within rounding (half a unit of the last
  printed digit, so ``17%`` covers 16,5–17,5%);
* a count cannot exceed the total; count columns are nested in order (appendix 2's
  resolved-online dossiers are among those received online), so a count cannot exceed the
  count column before it;
* a total row ("Tổng", "Tổng cộng", "Toàn tỉnh") must be the sum of the rows above it, and
  so must a stated headline (``--headline 114251,37051,30976``: total, then each count).

Each finding is explained in Vietnamese, naming the line and the unit.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from motcua.core.text import fold
from motcua.reports.numbers import integer, pct

_NUMBER = re.compile(r"^-?[\d.]+(,\d+)?$")


class CheckError(ValueError):
    pass


@dataclass(frozen=True)
class Finding:
    line: int
    unit: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return f"{self.unit[:1].upper()}{self.unit[1:]}: {self.message}"
        where = f"Dòng {self.line}" + (f" ({self.unit})" if self.unit else "")
        return f"{where}: {self.message}"


def _clean(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return re.sub(r"<[^>]+>", "", text).strip()


def parse_number(text: str) -> float | None:
    """``18.775`` → 18775; ``32,4%`` → 32.4; ``1329`` → 1329; empty → None."""
    text = text.replace("%", "").replace(" ", "").strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(text)
    return float(text.replace(".", "").replace(",", "."))


def read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
            return [
                [_clean(v) if not isinstance(v, int | float) else _num_text(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CheckError(f"{path}: không đọc được tệp ({exc.strerror})") from None
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    dialect = "excel-tab" if "\t" in first else "excel"
    return [[_clean(c) for c in row] for row in csv.reader(io.StringIO(text), dialect=dialect)]


def _num_text(value: float) -> str:
    if isinstance(value, float) and 0 <= value <= 1 and not value.is_integer():
        return f"{value * 100:.2f}%".replace(".", ",")  # a spreadsheet percentage cell
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


@dataclass(frozen=True)
class Layout:
    header_line: int
    name: int
    total: int
    counts: list[int]
    rates: dict[int, int]  # rate column → its count column


def _layout(path: Path, rows: list[list[str]]) -> Layout:
    for i, row in enumerate(rows):
        folded = [fold(c) for c in row]
        total = next((j for j, h in enumerate(folded) if h.startswith("tong so")), None)
        if total is None:
            continue
        name = next((j for j, h in enumerate(folded) if h.startswith("ten")), 1)
        counts: list[int] = []
        rates: dict[int, int] = {}
        previous = total
        for j in range(total + 1, len(folded)):
            if not folded[j]:
                continue
            if folded[j].startswith("ty le"):
                rates[j] = previous
            else:
                counts.append(j)
                previous = j
        return Layout(i + 1, name, total, counts, rates)
    raise CheckError(f"{path}: không tìm thấy dòng tiêu đề có cột «Tổng số …»")


def check_rows(
    path: Path, rows: list[list[str]], headline: list[int] | None = None
) -> list[Finding]:
    layout = _layout(path, rows)
    header = rows[layout.header_line - 1]
    findings: list[Finding] = []
    sums = dict.fromkeys([layout.total, *layout.counts], 0.0)
    for line, row in enumerate(rows[layout.header_line :], start=layout.header_line + 1):
        cells = row + [""] * (len(header) - len(row))
        if cells == header or not any(cells):
            continue  # a header repeated on a new page, or a blank line
        name = cells[layout.name]
        try:
            values = {
                j: parse_number(cells[j]) for j in [layout.total, *layout.counts, *layout.rates]
            }
        except ValueError as exc:
            raise CheckError(f"{path}: dòng {line}: không phải số: {exc}") from None
        total = values[layout.total]
        if total is None:
            continue  # a group heading (A. Các Sở…)
        if fold(name).startswith(("tong", "toan tinh", "cong")):
            findings += _check_sums(line, name, header, layout, sums, values)
            continue
        findings += _check_row(line, name, header, layout, values)
        for j in sums:
            sums[j] += values[j] or 0
    if headline:
        stated = dict(zip([layout.total, *layout.counts], headline, strict=False))
        findings += _check_sums(0, "số liệu nêu trong văn bản", header, layout, sums, stated)
    return findings


def _check_row(
    line: int, name: str, header: list[str], layout: Layout, values: dict[int, float | None]
) -> list[Finding]:
    found: list[Finding] = []
    total = values[layout.total] or 0
    previous_col, previous = layout.total, total
    for j in layout.counts:
        count = values[j]
        if count is None:
            continue
        if count > total:
            found.append(
                Finding(
                    line,
                    name,
                    f"«{header[j]}» ({integer(int(count))}) lớn hơn tổng số "
                    f"hồ sơ ({integer(int(total))}).",
                )
            )
        elif count > previous and previous_col != layout.total:
            found.append(
                Finding(
                    line,
                    name,
                    f"«{header[j]}» ({integer(int(count))}) lớn hơn «{header[previous_col]}» "
                    f"({integer(int(previous))}), trong khi đây là một phần của số đó.",
                )
            )
        previous_col, previous = j, count
    for rate_col, count_col in layout.rates.items():
        printed, count = values[rate_col], values[count_col]
        if printed is None or count is None or not total:
            continue
        actual = 100 * count / total
        digits = len(rows_digits(printed))
        if abs(actual - printed) > 0.5 * 10**-digits + 1e-9:
            hint = _hint(printed, count, layout, values, count_col)
            found.append(
                Finding(
                    line,
                    name,
                    f"«{header[rate_col]}» in {_p(printed)} nhưng {integer(int(count))}/"
                    f"{integer(int(total))} = {pct(count / total)}.{hint}",
                )
            )
    return found


def rows_digits(value: float) -> str:
    """The decimals of a printed number (``32.4`` → ``4``; ``17.0`` → ``''``)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.split(".")[1] if "." in text else ""


def _p(value: float) -> str:
    return f"{value:g}".replace(".", ",") + "%"


def _hint(
    printed: float, count: float, layout: Layout, values: dict[int, float | None], count_col: int
) -> str:
    """Name another column the printed rate does match, if any."""
    for j in layout.counts:
        other = values[j]
        if j != count_col and other and abs(100 * count / other - printed) <= 0.5:
            fraction = f"{integer(int(count))}/{integer(int(other))}"
            return f" Tỷ lệ in ra khớp với {fraction} (chia nhầm cột)."
    for j in layout.counts:
        other = values[j]
        if (
            j != count_col
            and other is not None
            and abs(100 * other / (values[layout.total] or 1) - printed) <= 0.5
        ):
            fraction = f"{integer(int(other))}/{integer(int(values[layout.total] or 0))}"
            return f" Tỷ lệ in ra khớp với {fraction} (nhầm số liệu)."
    return ""


def _check_sums(
    line: int,
    name: str,
    header: list[str],
    layout: Layout,
    sums: dict[int, float],
    stated: dict[int, float | None] | dict[int, int],
) -> list[Finding]:
    found = []
    for j, total in sums.items():
        value = stated.get(j)
        if value is not None and abs(value - total) > 1e-9:
            found.append(
                Finding(
                    line,
                    name,
                    f"«{header[j]}» ghi {integer(int(value))} nhưng cộng các dòng được "
                    f"{integer(int(total))} (chênh {integer(int(value - total))}).",
                )
            )
    return found


def check_file(path: Path, headline: list[int] | None = None) -> list[Finding]:
    return check_rows(path, read_rows(path), headline)
