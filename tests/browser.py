"""What the browser tests share: signing in, screenshots for reviewers, reading PDFs back.

The suite saves screenshots of the main pages under ``var/screenshots/`` (issue #6) so a
reviewer can look at them without running anything.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.accounts.cast import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def screenshot(page: Any, name: str) -> None:
    """The whole page as ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, username: str, *, land: str = "/") -> None:
    """Sign a staff account in (the cast's password) and wait for the page it lands on:
    the home page, or ``land`` (e.g. the desk, the officers' own page)."""
    page.goto(base + "/accounts/login/" + ("" if land == "/" else f"?next={land}"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + land)


def pdf_text(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The text of a PDF as poppler's ``pdftotext`` reads it, whitespace collapsed."""
    assert data.startswith(b"%PDF-")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(command, capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())
