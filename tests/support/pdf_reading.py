"""PDFs read back as a person would: their text by poppler's pdftotext, their first page as a PNG by
pdftoppm (both from Debian's poppler-utils, which .ci/run installs)."""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


def pdf_text(pdf: bytes) -> str:
    """The text of every page, in reading order (-layout keeps table rows on one line)."""
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True, timeout=60).stdout.decode("utf-8")


def has_row(text: str, *cells: str) -> bool:
    """Whether one line of ``pdf_text`` holds exactly these cells, in order: a table's row or a label and
    its value ("1", "SOFA-3", "灰色", "2"), however far apart -layout set them; a space inside a cell
    matches any run of spaces."""
    spaced = r"[ \t]+".join
    pattern = spaced(spaced(map(re.escape, c.split())) for c in cells)
    return re.search(rf"(?m)^[ \t]*{pattern}[ \t]*$", text) is not None


def pdf_fonts(pdf: bytes) -> str:
    """pdffonts' table: which fonts the file uses and whether each is embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(["pdffonts", file.name], capture_output=True, check=True, text=True,
                              timeout=60).stdout


def save_first_page(pdf: bytes, name: str) -> Path:
    """The first page as test-artifacts/documents/NAME.png (96 dpi), for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "96", "-f", "1", "-l", "1", "-singlefile", "-", str(stem)],
                   input=pdf, capture_output=True, check=True, timeout=60)
    png = stem.parent / f"{stem.name}.png"
    assert png.read_bytes().startswith(b"\x89PNG"), png
    return png
