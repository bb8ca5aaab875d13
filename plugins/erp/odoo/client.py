"""All HTTP of the Odoo adapter: one ``call(model, method, ids, **params)`` over JSON-2 or JSON-RPC.

Both protocols get named parameters, which ``execute_kw`` and ``/json/2`` accept alike, so the
document flows do not care which one the settings chose.
"""
from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiohttp
from structlog.typing import FilteringBoundLogger

from hub import PluginConfigurationError
from plugins.erp.common.http import post_json
from plugins.erp.odoo import errors
from plugins.erp.odoo.settings import OdooSettings

USER_AGENT = "integration-hub erp.odoo"


class OdooClient:
    """One Odoo database; keeps the JSON-RPC uid between deliveries."""

    def __init__(self, settings: OdooSettings) -> None:
        self._settings = settings
        self._uid: int | None = None
        self._ids = itertools.count(1)
        self._auth_lock = asyncio.Lock()

    async def call(self, http: aiohttp.ClientSession, model: str, method: str, *, log: FilteringBoundLogger,
                   ids: list[int] | None = None, **params: Any) -> Any:
        if self._settings.protocol == "json2":
            return await self._json2(http, model, method, ids, params)
        for attempt in (1, 2):
            uid = await self._authenticated(http, log)
            args = [self._settings.database, uid, self._settings.api_key.get_secret_value(), model, method,
                    [ids] if ids is not None else [], params]
            try:
                return await self._jsonrpc(http, "object", "execute_kw", args, f"{model}.{method}")
            except errors.Relogin as exc:
                if attempt == 2:
                    raise PluginConfigurationError(f"{exc} (again right after authenticating)") from None
                self._uid = None
                log.info("odoo.uid_refused_reauthenticate", model=model, method=method)
        raise AssertionError("unreachable")

    async def _json2(self, http: aiohttp.ClientSession, model: str, method: str, ids: list[int] | None,
                     params: dict[str, Any]) -> Any:
        body = {**params, **({"ids": ids} if ids is not None else {})}
        headers = {"Authorization": f"bearer {self._settings.api_key.get_secret_value()}",
                   "X-Odoo-Database": self._settings.database, "User-Agent": USER_AGENT}
        url = f"{self._settings.url.rstrip('/')}/json/2/{model}/{method}"
        reply = await post_json(http, url, body, vendor="odoo", headers=headers, timeout_s=self._settings.timeout_s)
        return errors.check_json2(reply, f"{model}.{method}")

    async def _jsonrpc(self, http: aiohttp.ClientSession, service: str, method: str, args: list[Any],
                       operation: str) -> Any:
        body = {"jsonrpc": "2.0", "method": "call", "id": next(self._ids),
                "params": {"service": service, "method": method, "args": args}}
        reply = await post_json(http, f"{self._settings.url.rstrip('/')}/jsonrpc", body, vendor="odoo",
                                headers={"User-Agent": USER_AGENT}, timeout_s=self._settings.timeout_s)
        return errors.check_jsonrpc(reply, operation)

    async def _authenticated(self, http: aiohttp.ClientSession, log: FilteringBoundLogger) -> int:
        async with self._auth_lock:
            if self._uid is None:
                s = self._settings
                args = [s.database, s.login, s.api_key.get_secret_value(), {}]
                try:
                    uid = await self._jsonrpc(http, "common", "authenticate", args, "authenticate")
                except errors.Relogin as exc:
                    raise PluginConfigurationError(str(exc)) from None
                if not isinstance(uid, int) or isinstance(uid, bool):
                    # authenticate answers false for bad credentials rather than raising
                    raise PluginConfigurationError(f"odoo refused the configured login on database {s.database!r}")
                self._uid = uid
                log.info("odoo.authenticated", database=s.database, uid=uid)
            return self._uid
