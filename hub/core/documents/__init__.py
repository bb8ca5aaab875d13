"""The documents the manuals run on, as PDF: declared in ``kinds``, filled from snapshots by
``context``, laid out by ``render``."""
from hub.core.documents.kinds import KINDS, LANGUAGES, DocumentKind, kinds_of, resolve_language
from hub.core.documents.render import DocumentRenderer, DocumentsUnavailable

__all__ = ["KINDS", "LANGUAGES", "DocumentKind", "DocumentRenderer", "DocumentsUnavailable", "kinds_of",
           "resolve_language"]
