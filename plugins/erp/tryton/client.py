"""All I/O with trytond: JSON-RPC over HTTP, one session login, the user's context on every call."""
from __future__ import annotations

import asyncio
import base64
import itertools
from typing import Any

import aiohttp

from hub import PermanentError, PluginConfigurationError
from plugins.erp.tryton import errors, wire
from plugins.erp.tryton.settings import TrytonSettings

# What the Tryton clients send back after reading the user's preferences.
_CONTEXT_KEYS = ("language", "company", "companies", "employee", "employees", "company_filter")


class _SessionExpired(Exception):
    """HTTP 401 on a call made with a session token: log in again once."""


class TrytonClient:
    """One logged-in user of one Tryton database; safe to share between concurrent hooks."""

    def __init__(self, settings: TrytonSettings) -> None:
        self._settings = settings
        self._base = settings.url.rstrip("/")
        self._ids = itertools.count(1)
        self._auth: str | None = None
        self._login_lock: asyncio.Lock | None = None
        self._shared: aiohttp.ClientSession | None = None
        self._own: aiohttp.ClientSession | None = None
        self.context: dict[str, Any] = {}
        self.user_id: int | None = None

    def attach(self, http: aiohttp.ClientSession | None) -> None:
        """Use the hub's shared HTTP session when the hook context has one."""
        if http is not None:
            self._shared = http

    def _http(self) -> aiohttp.ClientSession:
        if self._shared is not None and not self._shared.closed:
            return self._shared
        if self._own is None or self._own.closed:
            self._own = aiohttp.ClientSession()
        return self._own

    async def close(self) -> None:
        if self._own is not None:
            await self._own.close()
            self._own = None

    # -- transport -----------------------------------------------------------------

    async def _post(self, method: str, params: list[Any], *, login: bool = False) -> Any:
        url = f"{self._base}/{self._settings.database}/rpc/"
        headers = {"Content-Type": "application/json"}
        if self._auth and not login:
            headers["Authorization"] = self._auth
        timeout = aiohttp.ClientTimeout(total=self._settings.timeout_s)
        try:
            async with self._http().post(url, data=wire.dumps(next(self._ids), method, params),
                                         headers=headers, timeout=timeout) as resp:
                raw = await resp.read()
                status, retry_after = resp.status, resp.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise errors.from_transport(method, exc) from exc
        if status == 401 and self._auth and not login:
            raise _SessionExpired(method)
        if status != 200:
            raise errors.from_http_status(method, status, login=login, retry_after=retry_after)
        try:
            data = wire.loads(raw)
        except ValueError as exc:
            raise PermanentError(f"Tryton answered {method} with something that is not JSON-RPC; "
                                 "check the url setting") from exc
        if data.get("error"):
            name, *rest = data["error"]
            raise errors.from_rpc_error(method, str(name), rest[0] if rest else None)
        return data.get("result")

    async def login(self) -> None:
        s = self._settings
        uid, token, *_ = await self._post(
            "common.db.login", [s.username, {"password": s.password.get_secret_value()}, s.language],
            login=True)
        self._auth = "Session " + base64.b64encode(f"{s.username}:{uid}:{token}".encode()).decode()
        self.user_id = uid
        prefs = await self._post("model.res.user.get_preferences", [True, {}])
        self.context = {k: prefs[k] for k in _CONTEXT_KEYS if k in prefs}
        if s.company is not None:
            company = await self._company_id(s.company)
            self.context.update(company=company, companies=[company])

    async def _company_id(self, company: int | str) -> int:
        if isinstance(company, int):
            return company
        found = await self._post("model.company.company.search",
                                 [[["party.name", "=", company]], 0, 1, None, self.context])
        if not found:
            raise PluginConfigurationError(f"Tryton has no company named {company!r}")
        return found[0]

    async def _ensure_login(self) -> None:
        if self._login_lock is None:
            self._login_lock = asyncio.Lock()
        async with self._login_lock:
            if self._auth is None:
                await self.login()

    async def call(self, model: str, method: str, *args: Any, context: dict | None = None) -> Any:
        """``model.<model>.<method>`` with the user's context (plus ``context``) as last parameter."""
        await self._ensure_login()
        try:
            return await self._post(f"model.{model}.{method}", [*args, {**self.context, **(context or {})}])
        except _SessionExpired:
            self._auth = None
        await self._ensure_login()
        try:
            return await self._post(f"model.{model}.{method}", [*args, {**self.context, **(context or {})}])
        except _SessionExpired as exc:
            raise errors.from_http_status(str(exc), 401, login=True) from exc

    # -- model helpers ---------------------------------------------------------------

    async def search(self, model: str, domain: list, *, limit: int | None = None,
                     order: list | None = None, context: dict | None = None) -> list[int]:
        return await self.call(model, "search", domain, 0, limit, order, context=context)

    async def read(self, model: str, ids: list[int], fields: list[str], *,
                   context: dict | None = None) -> list[dict[str, Any]]:
        return await self.call(model, "read", ids, fields, context=context) if ids else []

    async def search_read(self, model: str, domain: list, fields: list[str], *,
                          limit: int | None = None, order: list | None = None,
                          context: dict | None = None) -> list[dict[str, Any]]:
        # A search whose records another worker deleted before the read is simply asked again: the
        # second answer is consistent (a read-only call, safe to repeat).
        args = (model, "search_read", domain, 0, limit, order, fields)
        for _ in range(2):
            try:
                return await self.call(*args, context=context)
            except errors.RecordsVanished:
                continue
        return await self.call(*args, context=context)

    async def create(self, model: str, values: list[dict[str, Any]]) -> list[int]:
        return await self.call(model, "create", values)

    async def write(self, model: str, ids: list[int], values: dict[str, Any]) -> None:
        await self.call(model, "write", ids, values)

    async def delete(self, model: str, ids: list[int]) -> None:
        await self.call(model, "delete", ids)

    async def button(self, model: str, name: str, ids: list[int]) -> Any:
        return await self.call(model, name, ids)

    async def press(self, model: str, record: int, button: str, state: str) -> None:
        """Press a workflow button on a record read in ``state``; when Tryton refuses because
        someone else moved the record on meanwhile, that is not an error."""
        try:
            await self.button(model, button, [record])
        except PermanentError:
            current, = await self.read(model, [record], ["state"])
            if current["state"] == state:
                raise

    async def xml_id(self, module: str, fs_id: str) -> int:
        return await self.call("ir.model.data", "get_id", module, fs_id)

    async def acknowledge_warning(self, key: str) -> None:
        """Tell Tryton the user accepted warning ``key`` once (what the desktop client does)."""
        await self.create("res.user.warning", [{"user": self.user_id, "name": key, "always": False}])

    async def wizard(self, name: str, steps: list[tuple[str, Any]]) -> list[Any]:
        """Run wizard ``name``: each step is (state to execute, view data or async fn(previous))."""
        await self._ensure_login()
        ctx = dict(self.context)
        session, _start, _end = await self._post(f"wizard.{name}.create", [ctx])
        results: list[Any] = []
        try:
            for state, data in steps:
                if callable(data):
                    data = await data(results[-1] if results else None)
                results.append(await self._post(f"wizard.{name}.execute", [session, data, state, ctx]))
        finally:
            await self._post(f"wizard.{name}.delete", [session, ctx])
        return results

    async def reload_context(self) -> None:
        """Read the preferences again, e.g. after a wizard created the company."""
        self._auth = None
        await self._ensure_login()
