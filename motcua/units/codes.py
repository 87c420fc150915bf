"""Unit codes: the DVCQG code (``H44.07``) and the TT 10/2016 identifier (``000.00.07.H44``).

The TT 10/2016/TT-BTTTT identifier ("mã định danh") has four groups written right to left:
``<level 4>.<level 3>.<level 2>.<province>``, zero groups meaning "none". DVCQG writes the
same path left to right without the zero groups. Both spellings are accepted everywhere and
stored as the DVCQG code.
"""

from __future__ import annotations

import re

_PROVINCE = re.compile(r"^[A-Z]\d{2}$")
_GROUP = re.compile(r"^\d{1,4}$")
# Widths of groups 2, 3 and 4 in the TT 10/2016 spelling.
_WIDTHS = (2, 2, 3)


class UnitCodeError(ValueError):
    pass


def normalize_unit_code(value: str) -> str:
    """The DVCQG spelling of a unit code given in either spelling.

    >>> normalize_unit_code("000.00.07.H44")
    'H44.07'
    >>> normalize_unit_code(" h44.07 ")
    'H44.07'
    >>> normalize_unit_code("001.01.07.H44")
    'H44.07.01.001'
    """
    text = value.strip().upper()
    if not text:
        raise UnitCodeError("empty unit code")
    parts = text.split(".")
    if _PROVINCE.match(parts[-1]) and len(parts) == 4 and all(_GROUP.match(p) for p in parts[:3]):
        path = [parts[3], parts[2], parts[1], parts[0]]
        while len(path) > 1 and int(path[-1]) == 0:
            path.pop()
        if any(int(p) == 0 for p in path[1:]):
            raise UnitCodeError(f"{value!r}: a zero group inside a TT 10/2016 identifier")
        return ".".join(path)
    if _PROVINCE.match(parts[0]) and all(_GROUP.match(p) for p in parts[1:]) and len(parts) <= 4:
        return text
    raise UnitCodeError(
        f"{value!r} is neither a DVCQG code (H44.07) nor a TT 10/2016 identifier (000.00.07.H44)"
    )


def to_identifier(code: str) -> str:
    """The TT 10/2016 spelling of a DVCQG code (``H44.07`` -> ``000.00.07.H44``)."""
    path = normalize_unit_code(code).split(".")
    groups = [
        path[i + 1].zfill(width) if i + 1 < len(path) else "0" * width
        for i, width in enumerate(_WIDTHS)
    ]
    return ".".join([*reversed(groups), path[0]])


def looks_like_unit_code(value: str) -> bool:
    try:
        normalize_unit_code(value)
    except UnitCodeError:
        return False
    return True
