"""What a document template may load: data: URIs and files inside its template folders, however the
URL is spelt; never the network, never a file elsewhere (an override is ops' HTML, but the promise holds)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.core.config import DocumentSettings
from hub.core.documents import KINDS, DocumentRenderer
from hub.core.documents.render import PACKAGE_TEMPLATES, allowed_file
from hub.core.models import CustomerSnapshot, OrderSnapshot
from pdf_reading import pdf_text

ROOTS = [PACKAGE_TEMPLATES.resolve()]
INSIDE = (PACKAGE_TEMPLATES / "document.css").resolve()


@pytest.mark.parametrize("url", ["data:image/png;base64,iVBORw0KGgo=", INSIDE.as_uri(),
                                 f"FILE://{INSIDE}", f"file://localhost{INSIDE}"])
def test_data_and_the_template_folders_own_files_are_allowed(url):
    allowed_file(url, ROOTS)


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data", "https://example.com/logo.png", "ftp://example.com/x",
    "file:/etc/hostname", "FILE:///etc/hostname", "file://evil.example/etc/hostname",
    f"file://{PACKAGE_TEMPLATES}/%2e%2e/%2e%2e/%2e%2e/etc/hostname", f"file://{PACKAGE_TEMPLATES}/../render.py",
    "file:///etc/%70asswd", "/etc/hostname", "javascript:alert(1)"])
def test_anything_else_is_refused_however_it_is_spelt(url):
    with pytest.raises(ValueError):
        allowed_file(url, ROOTS)


def test_an_override_cannot_embed_a_file_from_elsewhere_in_the_pdf(tmp_path: Path):
    override = tmp_path / "paper"
    (override / "en").mkdir(parents=True)
    (override / "en" / "order_confirmation.html").write_text(
        '{% extends "base.html" %}{% block content %}<link rel="stylesheet" href="FILE:///etc/hostname">'
        '<img src="file:/etc/hostname"><a rel="attachment" href="file:/etc/hostname">x</a>'
        '<p>own paper {{ order.ref }}</p>{% endblock %}', encoding="utf-8")
    renderer = DocumentRenderer(DocumentSettings(templates_dir=override), "Asia/Shanghai")
    order = OrderSnapshot(ref="SO-FETCH", state="received", created_at=datetime(2026, 3, 2, tzinfo=UTC),
                          customer=CustomerSnapshot(code="C1", name="C One", grade="B"))
    pdf = renderer.pdf_now(KINDS["order_confirmation"], order, {}, "en")
    assert "own paper SO-FETCH" in pdf_text(pdf)
    assert b"/EmbeddedFile" not in pdf  # the attachment link embedded nothing


def test_a_mistyped_template_folder_or_logo_is_refused_at_start(tmp_path: Path):
    from pydantic import ValidationError
    with pytest.raises(ValidationError, match="is not a folder"):
        DocumentSettings(templates_dir=tmp_path / "papr")
    with pytest.raises(ValidationError, match="no logo file"):
        DocumentSettings(logo=tmp_path / "logo.png")
