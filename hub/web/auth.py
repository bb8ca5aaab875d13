"""Who is calling: the bootstrap admin bearer token, or a user's own token (hub.core.users).

The admin token comes from ``HUB_ADMIN_TOKEN``, else is generated once into ``data_dir/admin-token``;
it is never printed or logged (start-up says where the file is). It acts as the user ``admin`` with
the role ``admin``: enough to add the first users, not to take the business's decisions.
"""
from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from typing import Any

from aiohttp import web

from hub.core import users
from hub.core.errors import ConfigError, Unauthenticated
from hub.web.jsonio import json_error

TOKEN_ENV = "HUB_ADMIN_TOKEN"
TOKEN_FILE = "admin-token"
PRINCIPAL = web.RequestKey("principal", users.Principal)  # the authenticated caller
API_PREFIX = "/api/"  # everything under it needs a bearer token


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
    """Not the API's to guard: probes, webhooks (signed), and the console (its own sign-in and session)."""
    return not path.startswith(API_PREFIX)


def unauthorised(message: str) -> web.Response:
    return json_error(401, message, headers={"WWW-Authenticate": 'Bearer realm="hub"'})


async def authorise(request: web.Request, token: AdminToken, hub: Any) -> web.Response | None:
    """None when the request may pass, with its caller stored on the request: the bootstrap admin
    token, or a user's token (hub.core.users). Public paths are let through before this is called."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        return unauthorised("a bearer token is required")
    try:
        request[PRINCIPAL] = await caller_of(token, hub, presented)
    except Unauthenticated as exc:
        return unauthorised(str(exc))
    return None


async def caller_of(token: AdminToken, hub: Any, presented: str) -> users.Principal:
    """Whose token this is (the API's bearer, the console's sign-in): the bootstrap admin, or a user."""
    if token.matches(presented):
        return users.BOOTSTRAP
    return await users.authenticate(hub.engine, presented, hub.clock.now())


def principal(request: web.Request) -> users.Principal:
    """Who is calling: set by ``authorise`` for every non-public route."""
    who = request.get(PRINCIPAL)
    if who is None:
        raise Unauthenticated("a bearer token is required")
    return who


def actor(request: web.Request) -> str:
    """Who moved an entity, or retried or discarded a handoff: the authenticated user, never a header
    the caller makes up."""
    return principal(request).name


def requiring(roles: tuple[str, ...], what: str, handler: Any) -> Any:
    """``handler`` refusing, with 403 naming the roles, a caller who holds none of ``roles``."""
    async def guarded(request: web.Request) -> web.StreamResponse:
        principal(request).require(roles, what)
        return await handler(request)
    guarded.__name__ = getattr(handler, "__name__", "guarded")
    return guarded
