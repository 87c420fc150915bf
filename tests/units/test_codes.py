import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.units.codes import UnitCodeError, normalize_unit_code, to_identifier

WIDTHS = (2, 2, 3)


@st.composite
def dvcqg_codes(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from("ABCDGHKLMNPQSTVX")) + f"{draw(st.integers(0, 99)):02d}"
    depth = draw(st.integers(0, 3))
    groups = [str(draw(st.integers(1, 10**width - 1))).zfill(width) for width in WIDTHS[:depth]]
    return ".".join([province, *groups])


@given(dvcqg_codes())
def test_identifier_round_trips_to_the_dvcqg_code(code: str) -> None:
    assert normalize_unit_code(to_identifier(code)) == code


@given(dvcqg_codes())
def test_normalising_a_dvcqg_code_changes_nothing(code: str) -> None:
    assert normalize_unit_code(code.lower()) == code


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("000.00.07.H44", "H44.07"),
        ("000.00.00.H44", "H44"),
        (" h44.07 ", "H44.07"),
        ("001.01.07.H44", "H44.07.01.001"),
        ("H44.100", "H44.100"),
    ],
)
def test_both_spellings_are_accepted(given: str, expected: str) -> None:
    assert normalize_unit_code(given) == expected


def test_identifier_of_a_province_has_zero_groups() -> None:
    assert to_identifier("H44") == "000.00.00.H44"


@pytest.mark.parametrize("bad", ["", "44", "H4", "000.01.00.H44", "H44.07.01.001.9", "x.y"])
def test_nonsense_codes_are_refused(bad: str) -> None:
    with pytest.raises(UnitCodeError):
        normalize_unit_code(bad)
