"""Pydantic errors as the hub reports them: every bad field at once, and for an unknown key the keys
that are allowed there, so a caller fixes a request in one round trip."""
from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from hub.core.errors import InvalidInput


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation may hold: ``X``, ``X | None``, ``list[X]``, ``dict[k, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def _model_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that owns the last part of ``loc`` (list indexes and dict keys skipped)."""
    for part in loc:
        if model is None:
            return None
        if isinstance(part, str) and part in model.model_fields:
            inner = _models_in(model.model_fields[part].annotation)
            model = inner[0] if inner else None
    return model


def allowed_keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def problems(exc: ValidationError, model: type[BaseModel] | None = None, prefix: str = "") -> list[dict[str, Any]]:
    """One entry per problem: ``{"field", "message"}`` and, for an unknown key, ``"allowed"``."""
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc)
        field = f"{prefix}.{path}" if prefix and path else (prefix or path or None)
        entry: dict[str, Any] = {"field": field, "message": err["msg"]}
        if err["type"] == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            entry["message"] = "unknown key"
            if owner is not None:
                entry["allowed"] = allowed_keys(owner)
        out.append(entry)
    return out


def summary(entries: list[dict[str, Any]]) -> str:
    parts = []
    for e in entries:
        text = f"{e['field'] or 'body'}: {e['message']}"
        if "allowed" in e:
            text += f" (allowed: {', '.join(e['allowed']) or 'none'})"
        parts.append(text)
    return "; ".join(parts)


def invalid_input(exc: ValidationError, model: type[BaseModel] | None = None, prefix: str = "") -> InvalidInput:
    entries = problems(exc, model, prefix)
    return InvalidInput(summary(entries), field=entries[0]["field"] if entries else prefix or None, errors=entries)

