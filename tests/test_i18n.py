"""The English catalogue: the UI is Vietnamese first, English is a translation.

The catalogue lives in ``motcua/locale/en/LC_MESSAGES``; both ``django.po`` and the compiled
``django.mo`` are committed (fresh machines have no ``msgfmt``). These tests check that the
translation is wired up end to end and that the committed ``.mo`` matches the ``.po``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from motcua.procedures.models import Procedure
from motcua.units.models import Unit

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    text = text.strip()
    assert text[0] == text[-1] == '"', text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """msgid/msgstr pairs, multi-line strings joined; obsolete (#~) entries skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                entries.append(current)
                current = None
            if line.startswith("#,"):
                current = current or Entry()
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, value = match.group(1), _unquote(match.group(2))
            if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
                entries.append(current)
                current = None
            current = current or Entry()
            key = keyword
            if keyword.startswith("msgstr"):
                current.msgstr[keyword] = value
            else:
                setattr(current, keyword, value)
            continue
        assert line.startswith('"') and current is not None and key is not None, line
        if key.startswith("msgstr"):
            current.msgstr[key] += _unquote(line)
        else:
            setattr(current, key, getattr(current, key) + _unquote(line))
    if current is not None:
        entries.append(current)
    return entries


def catalogue() -> list[Entry]:
    return [entry for entry in parse_po(PO) if entry.msgid]


@pytest.mark.django_db
def test_home_page_in_english(client: Client) -> None:
    response = client.get("/", headers={"Accept-Language": "en"})
    body = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "Overview" in body
    assert "Administrative procedures" in body
    assert "Tổng quan" not in body


@pytest.mark.django_db
def test_home_page_in_vietnamese(client: Client) -> None:
    response = client.get("/", headers={"Accept-Language": "vi"})
    body = response.content.decode()
    assert response.headers["Content-Language"] == "vi"
    assert "Tổng quan" in body
    assert "Overview" not in body


def test_model_verbose_names_translate() -> None:
    with translation.override("en"):
        assert str(Unit._meta.verbose_name) == "unit"
        assert str(Procedure._meta.verbose_name) == "administrative procedure"
        assert str(Unit._meta.get_field("name").verbose_name) == "name"
    with translation.override("vi"):
        assert str(Unit._meta.verbose_name) == "đơn vị"


def test_po_parser_handles_multiline_strings() -> None:
    entries = {entry.msgid: entry for entry in catalogue()}
    long_ids = [msgid for msgid in entries if len(msgid) > 80]
    assert long_ids, "expected at least one wrapped (multi-line) msgid"
    for msgid in long_ids:
        assert '""' not in msgid and "\n" not in msgid


def test_every_entry_is_translated() -> None:
    entries = catalogue()
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not fuzzy, f"fuzzy entries (ignored by msgfmt): {fuzzy}"


def test_placeholders_survive_translation() -> None:
    placeholder = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
    for entry in catalogue():
        expected = set(placeholder.findall(entry.msgid))
        for msgstr in entry.msgstr.values():
            assert set(placeholder.findall(msgstr)) == expected, entry.msgid


def test_compiled_catalogue_is_not_stale() -> None:
    """Every .po entry comes back from gettext under "en": the committed .mo is current."""
    assert MO.is_file(), "compile with: motcua compilemessages --ignore=.venv"
    entries = catalogue()
    with translation.override("en"):
        for entry in entries:
            if entry.msgid_plural is not None:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                want = entry.msgstr["msgstr[0]"]
            elif entry.msgctxt is not None:
                got, want = translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr["msgstr"]
            else:
                got, want = translation.gettext(entry.msgid), entry.msgstr["msgstr"]
            assert got == want, f"{entry.msgid!r}: .mo has {got!r}, .po has {want!r}"
        # A handful spelled out, so a broken parser cannot make the loop vacuous.
        assert translation.gettext("Tổng quan") == "Overview"
        assert translation.gettext("Hồ sơ") == "Dossiers"
        assert translation.gettext("Trực tuyến toàn trình") == "Full online"
        assert translation.gettext("Làm bù cho ngày nghỉ %(day)s") % {"day": "2024-01-01"} == (
            "Make-up working day for the day off on 2024-01-01"
        )
