"""The bad-input matrix: every route of the route table and every webhook source, sent what a
sender can send wrong. Each answer must be a 4xx (or 503/429: "retry"), never a 5xx, and the
database must hold exactly the rows it held before.

The routes come from ``hub.web.routes.route_table()`` (the same rows the app registers and the
OpenAPI document describes), so a new route is in the matrix without being listed here.
"""
from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from hub.core.store.tables import metadata
from hub.web.routes import route_table

# Path parameter values no stored row can have: unknown, NUL, too long, past 32 bits, not a number.
PATH_VALUES = ("NO-SUCH-REF-1", "%00", "a%00b", "x" * 300, "99999999999999", "2147483648", "-1", "%ff%fe",
               "..%2F..%2Fetc")
BODIES: tuple[tuple[str, bytes], ...] = (
    ("empty", b""), ("truncated", b'{"ref": "X'), ("array", b"[]"), ("string", b'"x"'), ("null", b"null"),
    ("number", b"1e400"), ("unknown_field", b'{"no_such_field": 1}'), ("nul", b'{"ref": "A\\u0000B"}'),
    ("deep", b"[" * 5000 + b"]" * 5000), ("not_utf8", b'{"ref": "\xff\xfe"}'),
    ("huge_int", b'{"ref": "R", "qty": 100000000000000000000000000000000000000}'),
    ("lone_surrogate", b'{"ref": "\\ud800"}'),
)
# Wrong values for a model's fields, one field at a time (the rest of the body left empty).
WRONG_VALUES: tuple[Any, ...] = (None, [], {}, "", "\u0000", "x" * 70_000, -1, 10**30, 1e308, True)


@dataclass
class MatrixFigures:
    backend: str
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)  # "METHOD path [case] → status"
    rows_changed: dict[str, int] = field(default_factory=dict)  # table → rows added or removed

    def as_dict(self) -> dict:
        return asdict(self)


def _paths(template: str) -> Iterator[str]:
    names = re.findall(r"{([a-z_]+)(?::[^}]*)?}", template)
    if not names:
        yield template
        return
    for value in PATH_VALUES:
        path = template
        for name in names:
            path = re.sub(r"{" + name + r"(?::[^}]*)?}", value, path)
        yield path


def _field_bodies(model: type[BaseModel] | None) -> Iterator[tuple[str, bytes]]:
    if model is None:
        return
    try:
        names = list(model.model_fields)
    except AttributeError:  # a union of event bodies, described by a schema only
        names = ["event", "data"]
    for name in names:
        for value in WRONG_VALUES:
            yield f"{name}={str(value)[:12]!r}", json.dumps({name: value}).encode()


def _queries(model: type[BaseModel] | None) -> Iterator[str]:
    names = list(model.model_fields) if model is not None else []
    for name in [*names, "no_such_filter"]:
        for value in ("", "-1", "abc", "99999999999999999999999", "%00", "x" * 300):
            yield f"{name}={value}"


def cases(sources: list[str]) -> Iterator[tuple[str, str, bytes, dict[str, str], str]]:
    """(method, path, body, headers, name) for every route and source."""
    json_type = {"Content-Type": "application/json"}
    for route in route_table():
        templates = [route.path.replace("{source}", s) for s in sources] if "{source}" in route.path else [route.path]
        for template in templates:
            for path in _paths(template):
                if route.method == "GET":
                    yield "GET", path, b"", {}, "path"
                    for query in _queries(route.query):
                        yield "GET", f"{path}?{query}", b"", {}, "query"
                    continue
                for name, body in BODIES:
                    yield route.method, path, body, json_type, name
            if route.method != "POST":
                continue
            path = next(_paths(template))  # an unknown ref: the body is judged (or the ref refused) first
            for name, body in _field_bodies(route.body):
                yield "POST", path, body, json_type, name
            yield "POST", path, b"\x1f\x8b\x08\x00broken", {**json_type, "Content-Encoding": "gzip"}, "broken_gzip"
            yield "POST", path, gzip.compress(b"{" * 10), {**json_type, "Content-Encoding": "gzip"}, "gzip_bad_json"
            yield "POST", path, b'{"ref": "X"}', {"Content-Type": "text/plain"}, "text_plain"
            yield "POST", path, b"ref=X", {"Content-Type": "application/x-www-form-urlencoded"}, "form"
            yield "POST", path, b"{}", {**json_type, "Content-Encoding": "compress"}, "unknown_encoding"
            yield "POST", path, b"{}", {**json_type, "Idempotency-Key": "k" * 1000}, "long_idempotency_key"
            yield "POST", path, b"{}", {**json_type, "X-Actor": "a\u00e9" * 40}, "bad_actor"
            yield "POST", path, b"{}", {**json_type, "webhook-id": "id with spaces \u00fc" * 20, "webhook-timestamp": "9" * 30,
                                        "webhook-signature": "v1," + "A" * 5000}, "bad_signature_headers"


async def row_counts(engine: Any) -> dict[str, int]:
    async with engine.connect() as conn:
        return {t.name: (await conn.execute(sa.select(sa.func.count()).select_from(t))).scalar_one()
                for t in metadata.sorted_tables if t.name != "alembic_version"}


async def run_matrix(client: Any, engine: Any, *, backend: str, auth: dict[str, str],
                     sources: list[str], every: int = 1) -> MatrixFigures:
    """Send every ``every``-th case through ``client`` (an aiohttp test client); count and compare."""
    figures = MatrixFigures(backend=backend)
    before = await row_counts(engine)
    for index, (method, path, body, headers, name) in enumerate(cases(sources)):
        if index % every:
            continue
        reply = await client.request(method, path, data=body, headers={**auth, **headers}, skip_auto_headers=())
        await reply.read()
        figures.requests += 1
        figures.by_status[reply.status] = figures.by_status.get(reply.status, 0) + 1
        if reply.status >= 500 and reply.status not in (503,):
            figures.server_errors.append(f"{method} {path[:80]} [{name}] → {reply.status}")
    after = await row_counts(engine)
    # Refusals may count in metrics, never in tables; a token's last use is an update, not a row.
    figures.rows_changed = {t: after[t] - before[t] for t in after if after[t] != before.get(t)}
    return figures
