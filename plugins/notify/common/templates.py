"""Templates per milestone and language: package defaults, overridable from ops' ``templates_dir``.

A message template is a text file whose first line is ``Subject: ...``, then a blank line, then
the body; ``$name`` placeholders (``string.Template``) take the notice's variables. HTML is the
milestone's ``.html`` file when there is one, else ``layout.html`` around the text body. A notice's
fragments are optional paragraphs (``<audience>/fragments/<name>.txt``): a ``$name`` placeholder
takes the paragraph when the notice says it applies, nothing otherwise. Values
are HTML-escaped in HTML templates, except variables ending in ``_html`` (built escaped by code).
"""
from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from pathlib import Path

from hub import PluginConfigurationError

from .notice import Notice

PACKAGE_DIR = Path(__file__).parent / "templates"
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Rendered:
    """A message in one language: the subject/title, a text body and an HTML body."""

    language: str
    subject: str
    text: str
    html: str


class TemplateStore:
    """Finds templates in ``override`` first, then in the package; reads them on each use."""

    def __init__(self, override: Path | None = None) -> None:
        self.roots = [root for root in (override, PACKAGE_DIR) if root is not None]

    def languages(self) -> list[str]:
        return sorted({p.name for root in self.roots if root.is_dir() for p in root.iterdir() if p.is_dir()})

    def resolve_language(self, requested: str | None) -> str:
        """Exact language, else one with the same primary subtag (``zh`` → ``zh-CN``), else English."""
        wanted = (requested or "").replace("_", "-").lower()
        available = self.languages()
        for language in available:
            if language.lower() == wanted:
                return language
        primary = wanted.split("-", 1)[0]
        for language in available:
            if primary and language.lower().split("-", 1)[0] == primary:
                return language
        return FALLBACK_LANGUAGE

    def render_message(self, audience: str, notice: Notice, language: str) -> Rendered:
        """The ``audience`` (customer | internal) letter for ``notice`` in ``language`` (or English)."""
        names = [f"{audience}/{key}" for key in notice.route_keys]
        language, name, source = self._find(language, [f"{n}.txt" for n in names])
        subject, _, body = source.partition("\n\n")
        if not subject.startswith("Subject:"):
            raise PluginConfigurationError(f"template {language}/{name} must start with a 'Subject:' line")
        variables = {**notice.variables, **self._fragments(audience, notice, language)}
        subject = _substitute(subject.removeprefix("Subject:").strip(), variables, name)
        text = _BLANK_LINES.sub("\n\n", _substitute(body.strip() + "\n", variables, name))
        page = self._optional(language, f"{name.removesuffix('.txt')}.html")
        values = {**variables, "subject": subject, "body_html": _paragraphs(text)}
        if page is None:
            page = self._find(language, ["layout.html"])[2]
        return Rendered(language, subject, text, _substitute(page, values, name, escape=True))

    def _fragments(self, audience: str, notice: Notice, language: str) -> dict[str, str]:
        """Each fragment's paragraph (in the letter's language) when it applies, else ''."""
        out = {}
        for fragment, applies in notice.fragments.items():
            if not applies:
                out[fragment] = ""
                continue
            try:
                _, name, source = self._find(language, [f"{audience}/fragments/{fragment}.txt"])
            except PluginConfigurationError:
                out[fragment] = ""  # a letter that has no use for the paragraph (an internal notice)
                continue
            out[fragment] = _substitute(source.strip(), notice.variables, name)
        return out

    def _find(self, language: str, names: list[str]) -> tuple[str, str, str]:
        for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
            for name in names:
                if (source := self._optional(lang, name)) is not None:
                    return lang, name, source
        raise PluginConfigurationError(f"no template {' or '.join(names)} for {language!r} or {FALLBACK_LANGUAGE!r}")

    def _optional(self, language: str, name: str) -> str | None:
        for root in self.roots:
            for path in (root / language / name, root / name):
                if path.is_file():
                    return path.read_text(encoding="utf-8")
        return None


def _substitute(source: str, variables: dict[str, str], name: str, escape: bool = False) -> str:
    values = {k: v if (not escape or k.endswith("_html")) else html.escape(v) for k, v in variables.items()}
    try:
        return string.Template(source).substitute(values)
    except KeyError as exc:
        raise PluginConfigurationError(f"template {name} uses an unknown variable ${exc.args[0]}") from None
    except ValueError as exc:
        raise PluginConfigurationError(f"template {name} has a malformed placeholder: {exc}") from None


_BLANK_LINES = re.compile(r"\n{3,}")  # what an empty fragment leaves behind


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return "\n".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)
