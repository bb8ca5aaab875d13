"""Documents as PDF: a Jinja2 HTML template (ops' folder first, then the package's) laid out by
WeasyPrint, whose fonts come from fontconfig and are embedded, subset, in the file (Noto Sans CJK
for the Chinese: Debian's fonts-noto-cjk).

WeasyPrint rather than ReportLab: the documents stay HTML and CSS that an ops team can override like
the console's pages, and Pango shapes CJK text and embeds the glyphs it used without registering
fonts by hand. Rendering takes ~0.1 s of CPU, so it runs on one thread of its own: the event loop
keeps answering webhooks while a PDF is laid out, and WeasyPrint is never used by two threads at once.
"""
from __future__ import annotations

import asyncio
import base64
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

import jinja2

from hub.core.config import DocumentSettings
from hub.core.documents.context import document_context
from hub.core.documents.kinds import KINDS, DocumentKind, resolve_language
from hub.core.errors import HubError

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


class DocumentsUnavailable(HubError):
    """The PDF engine cannot run here (WeasyPrint or its Pango libraries are missing)."""


class DocumentRenderer:
    """Renders the documents of ``hub.core.documents.kinds`` for one hub's settings."""

    def __init__(self, settings: DocumentSettings, zone: str) -> None:
        self.settings = settings
        self.tz = ZoneInfo(zone)
        roots = [root for root in (settings.templates_dir, PACKAGE_TEMPLATES) if root is not None]
        self.roots = [Path(root).resolve() for root in roots]
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(self.roots), autoescape=True,
                                      undefined=jinja2.StrictUndefined, auto_reload=True)
        self._logo = _data_uri(settings.logo) if settings.logo else None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents")

    def html(self, kind: DocumentKind, subject: Any, related: dict[str, Any], language: str,
             values: dict[str, Any] | None = None) -> str:
        context = document_context(subject, related, self.tz, language, values)
        context.update(kind=kind.name, title=kind.title(language), language=language,
                       company=self._company(language))
        return self.env.get_template(f"{language}/{kind.name}.html").render(context)

    def pdf_now(self, kind: DocumentKind, subject: Any, related: dict[str, Any], language: str,
                values: dict[str, Any] | None = None) -> bytes:
        """The PDF, laid out on the calling thread (the CLI, tests)."""
        page = self.html(kind, subject, related, language, values)
        try:
            from weasyprint import HTML
        except (ImportError, OSError) as exc:  # OSError: the Pango libraries are not installed
            raise DocumentsUnavailable(f"PDF documents need WeasyPrint and Pango: {exc}") from exc
        return HTML(string=page, base_url=str(self.roots[0]), url_fetcher=_fetcher(self.roots)).write_pdf()

    async def pdf(self, name: str, subject: Any, related: dict[str, Any] | None = None, language: str = "zh-CN",
                  values: dict[str, Any] | None = None) -> bytes:
        """The PDF of document ``name`` (a key of KINDS), laid out off the event loop."""
        kind = KINDS[name]
        language = resolve_language(language, self.settings.language)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self.pdf_now, kind, subject, related or {}, language, values)

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)

    def _company(self, language: str) -> dict[str, str | None]:
        s = self.settings
        return {"name": s.company_name if language == "zh-CN" else s.company_name_en, "address": s.address,
                "phone": s.phone, "logo": self._logo}

def _fetcher(roots: list[Path]) -> Any:
    """Only data: URIs and the template folders' own files (a stylesheet, an image ops put beside
    their templates): a document never reaches the network nor a file elsewhere on the machine."""
    from weasyprint.urls import URLFetcher

    class TemplateFiles(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            allowed_file(url, roots)
            return super().fetch(url, headers)

    return TemplateFiles(allowed_protocols={"data", "file"}, timeout=5)


def allowed_file(url: str, roots: list[Path]) -> None:
    """Raise unless ``url`` is a data: URI or a local file inside one of ``roots``, read as urllib
    will read it (any case of the scheme, percent-decoded, dot segments resolved)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "data":
        return
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"documents load no outside resource ({url[:80]})")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not any(path.is_relative_to(root) for root in roots):
        raise ValueError(f"documents load no file outside their template folders ({path})")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
