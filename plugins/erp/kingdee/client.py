"""All HTTP of the K3 Cloud adapter: session login or request signing, one re-login, form operations."""
from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from structlog.typing import FilteringBoundLogger

from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.erp.common.http import post_json
from plugins.erp.kingdee import errors, signing, units
from plugins.erp.kingdee.settings import KingdeeSettings

T = TypeVar("T")
SESSION_COOKIE = "kdservice-sessionid"


class KingdeeClient:
    """One K3 Cloud account set. Keeps the login cookies between deliveries (password auth)."""

    def __init__(self, settings: KingdeeSettings) -> None:
        self._settings = settings
        self._cookies: dict[str, str] | None = None
        self._login_lock = asyncio.Lock()

    def _url(self, service: str) -> str:
        return f"{self._settings.base_url.rstrip('/')}/{service}{units.SUFFIX}"

    async def _login(self, http: aiohttp.ClientSession, log: FilteringBoundLogger) -> None:
        s = self._settings
        assert s.password is not None  # the settings validator guarantees it for password auth
        body = {"acctID": s.acct_id, "username": s.username, "password": s.password.get_secret_value(),
                "lcid": s.lcid}
        reply = await post_json(http, self._url(units.VALIDATE_USER), body, vendor="kingdee",
                                timeout_s=s.timeout_s)
        payload = errors.check_http(reply, "login")
        errors.check_login(payload)
        cookies = dict(reply.cookies)
        # Some versions only put the session id in the body; the server reads either.
        session_id = payload.get("KDSVCSessionId") or cookies.get(SESSION_COOKIE)
        if not session_id:
            raise TransientError("kingdee login: no session id in the reply")
        cookies.setdefault(SESSION_COOKIE, session_id)
        self._cookies = cookies
        log.info("kingdee.logged_in", acct_id=s.acct_id)

    async def _auth_headers(self, http: aiohttp.ClientSession, service: str,
                            log: FilteringBoundLogger) -> dict[str, str]:
        s = self._settings
        if s.auth == "app_signature":
            assert s.app_id is not None and s.app_secret is not None
            return signing.signed_headers(
                app_id=s.app_id, app_secret=s.app_secret.get_secret_value(), acct_id=s.acct_id,
                username=s.username, lcid=s.lcid, org_number=s.org_number,
                path=urlsplit(self._url(service)).path, nonce=uuid.uuid4().hex,
                timestamp=str(time.time_ns() // 1_000_000))
        async with self._login_lock:
            if self._cookies is None:
                await self._login(http, log)
        cookies = self._cookies or {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                SESSION_COOKIE: cookies.get(SESSION_COOKIE, "")}

    async def _call(self, http: aiohttp.ClientSession, service: str, payload: Any, operation: str,
                    check: Callable[[Any, str], T], log: FilteringBoundLogger) -> T:
        """POST with auth; on a lost session log in again once and replay the same request."""
        for attempt in (1, 2):
            headers = await self._auth_headers(http, service, log)
            reply = await post_json(http, self._url(service), payload, vendor="kingdee", headers=headers,
                                    timeout_s=self._settings.timeout_s)
            try:
                return check(errors.check_http(reply, operation), operation)
            except errors.SessionLost as exc:
                if self._settings.auth == "app_signature":
                    raise PluginConfigurationError(f"{exc} (signed request not accepted)") from None
                if attempt == 2:
                    raise TransientError(f"{exc} (again right after a new login)") from None
                self._cookies = None
                log.info("kingdee.session_lost_relogin", operation=operation)
        raise AssertionError("unreachable")

    async def query(self, http: aiohttp.ClientSession, form_id: str, fields: list[str], filter_string: str,
                    log: FilteringBoundLogger, *, start_row: int = 0, limit: int = 20) -> list[list[Any]]:
        data = {"FormId": form_id, "FieldKeys": ",".join(fields), "FilterString": filter_string,
                "OrderString": "FID ASC", "TopRowCount": 0, "StartRow": start_row, "Limit": limit}
        return await self._call(http, units.BILL_QUERY, {"data": data}, f"query {form_id}",
                                errors.check_rows, log)

    async def query_all(self, http: aiohttp.ClientSession, form_id: str, fields: list[str], filter_string: str,
                        log: FilteringBoundLogger) -> list[list[Any]]:
        """Every matching row, a page of ``units.QUERY_PAGE`` at a time (the server caps one answer)."""
        rows: list[list[Any]] = []
        for _ in range(units.QUERY_MAX_PAGES):
            page = await self.query(http, form_id, fields, filter_string, log, start_row=len(rows),
                                    limit=units.QUERY_PAGE)
            rows.extend(page)
            if len(page) < units.QUERY_PAGE:
                return rows
        raise PermanentError(f"kingdee query {form_id}: more than {len(rows)} rows for {filter_string!r}")

    async def save(self, http: aiohttp.ClientSession, form_id: str, data: dict[str, Any],
                   log: FilteringBoundLogger) -> tuple[int, str]:
        result = await self._call(http, units.SAVE, {"formid": form_id, "data": data}, f"save {form_id}",
                                  errors.check_result, log)
        return _first_entity(result, f"save {form_id}")

    async def submit(self, http: aiohttp.ClientSession, form_id: str, bill_no: str,
                     log: FilteringBoundLogger) -> None:
        await self._call(http, units.SUBMIT, {"formid": form_id, "data": {"Numbers": [bill_no]}},
                         f"submit {form_id}", errors.check_result, log)

    async def audit(self, http: aiohttp.ClientSession, form_id: str, bill_no: str,
                    log: FilteringBoundLogger) -> None:
        await self._call(http, units.AUDIT, {"formid": form_id, "data": {"Numbers": [bill_no]}},
                         f"audit {form_id}", errors.check_result, log)

    async def push(self, http: aiohttp.ClientSession, source_form: str, source_no: str, target_form: str,
                   log: FilteringBoundLogger) -> tuple[int, str]:
        """下推: create the downstream document from the source bill with the default conversion rule."""
        data = {"Numbers": [source_no], "TargetFormId": target_form, "IsEnableDefaultRule": "true",
                "IsDraftWhenSaveFail": "false"}
        result = await self._call(http, units.PUSH, {"formid": source_form, "data": data},
                                  f"push {source_form}→{target_form}", errors.check_result, log)
        return _first_entity(result, f"push {source_form}")


def _first_entity(result: dict[str, Any], operation: str) -> tuple[int, str]:
    entities = result["ResponseStatus"].get("SuccessEntitys") or []
    if entities and isinstance(entities[0], dict) and entities[0].get("Number"):
        return int(entities[0]["Id"]), str(entities[0]["Number"])
    if result.get("Number"):
        return int(result["Id"]), str(result["Number"])
    raise PermanentError(f"kingdee {operation}: success without a document number")
