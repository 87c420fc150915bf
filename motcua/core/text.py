"""Vietnamese text handling shared by imports and search.

Exports mix NFC and NFD; everything stored is NFC. ``fold`` gives an accent-free,
lower-case key so that "chung thuc" finds "chứng thực" and names match across sources.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """NFC-normalised text with runs of white space collapsed and ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Lower-case, accent-free key ("Đắk Nông" -> "dak nong")."""
    decomposed = unicodedata.normalize("NFD", value.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
