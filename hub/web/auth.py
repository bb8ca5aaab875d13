"""The admin bearer token: from ``HUB_ADMIN_TOKEN``, else generated once into ``data_dir/admin-token``.

The token itself is never printed or logged; start-up says where the file is.
"""
from __future__ import annotations

import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from hub.core.errors import ConfigError, InvalidInput
from hub.web.jsonio import json_error

TOKEN_ENV = "HUB_ADMIN_TOKEN"
TOKEN_FILE = "admin-token"
IDENTITY = "admin"
PUBLIC_PATHS = ("/healthz", "/readyz", "/metrics")
PUBLIC_PREFIXES = ("/webhooks/",)
ACTOR = re.compile(r"^[A-Za-z0-9._:-]{1,48}$")


@dataclass(frozen=True)
class AdminToken:
    value: bytes
    source: str  # "environment" or the file's path: what start-up may print

    def matches(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode("utf-8", "replace"), self.value)


def load_admin_token(data_dir: Path) -> AdminToken:
    """The environment's token, else the stored one, else a new one written with mode 0600."""
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return AdminToken(from_env.encode(), "environment")
    path = Path(data_dir) / TOKEN_FILE
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL: two processes starting together must not overwrite each other's token.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32) + "\n")
        token = path.read_text().strip()
    except FileExistsError:
        token = path.read_text().strip()
    except OSError as exc:
        raise ConfigError(f"cannot create or read the admin token file {path}: {exc}") from exc
    if not token:
        raise ConfigError(f"the admin token file {path} is empty")
    return AdminToken(token.encode(), str(path))


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def unauthorised(message: str) -> web.Response:
    return json_error(401, message, headers={"WWW-Authenticate": 'Bearer realm="hub"'})


def refusal(request: web.Request, token: AdminToken) -> web.Response | None:
    """None when the request may pass: a public path, or the right bearer token."""
    if is_public(request.path):
        return None
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        return unauthorised("a bearer token is required")
    if not token.matches(presented.strip()):
        return unauthorised("the bearer token is not valid")
    return None


def x_actor(request: web.Request) -> str | None:
    """The ``X-Actor`` header, validated: it lands in the timeline and the handoff audit."""
    value = request.headers.get("X-Actor")
    if value is None:
        return None
    if not ACTOR.match(value):
        raise InvalidInput("X-Actor must be 1-48 letters, digits or . _ : -", field="X-Actor")
    return value


def domain_actor(request: web.Request) -> str:
    """Who moved an entity: the validated ``X-Actor`` header, else ``api``."""
    return x_actor(request) or "api"


def admin_actor(request: web.Request) -> str:
    """Who changed a handoff: the token's identity, with the ``X-Actor`` alongside when given."""
    actor = x_actor(request)
    return f"{IDENTITY}:{actor}" if actor else IDENTITY
