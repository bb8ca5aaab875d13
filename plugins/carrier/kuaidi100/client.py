"""All of ``carrier.kuaidi100``'s I/O: subscribe a number (``/poll``) and query it (``/poll/query.do``).

Both take ``application/x-www-form-urlencoded`` with a JSON ``param``. The consignee's phone
goes only to the companies that require it, and never to a log line.
"""
from __future__ import annotations

import json
from typing import Any

import aiohttp
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_fixed

from hub import TransientError, retry_after_seconds
from plugins.carrier.common.http import worth_retrying_here
from plugins.carrier.kuaidi100.errors import (ALREADY_SUBSCRIBED, NOT_FOUND, QUERY_CODES, SUBSCRIBE_CODES,
                                              SUBSCRIBED, error_for, http_error)
from plugins.carrier.kuaidi100.settings import Kuaidi100Settings
from plugins.carrier.kuaidi100.signing import query_sign


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Kuaidi100Client:
    def __init__(self, settings: Kuaidi100Settings) -> None:
        self.settings = settings

    def _phone(self, com: str, phone: str | None) -> dict[str, str]:
        return {"phone": phone} if phone and com in self.settings.phone_required_for else {}

    async def subscribe(self, session: aiohttp.ClientSession, com: str, number: str, phone: str | None) -> bool:
        """Ask Kuaidi100 to push this number's tracking; False when it already was."""
        s = self.settings
        parameters = {"callbackurl": s.callback_url, "salt": s.salt.get_secret_value(), "resultv2": s.resultv2,
                      **self._phone(com, phone)}
        param = {"company": com, "number": number, "key": s.key.get_secret_value(), "parameters": parameters}
        reply = await self._post(session, "subscribe", "/poll", {"schema": "json", "param": _compact(param)})
        code = str(reply.get("returnCode") or "")
        if code in SUBSCRIBED or code == ALREADY_SUBSCRIBED:
            return code in SUBSCRIBED
        raise error_for("subscribe", code, str(reply.get("message") or ""), SUBSCRIBE_CODES)

    async def query(self, session: aiohttp.ClientSession, com: str, number: str,
                    phone: str | None) -> dict[str, Any] | None:
        """The number's full tracking now (newest first), or None while Kuaidi100 has none."""
        s = self.settings
        assert s.customer  # the tracker only queries when a customer id is configured
        param = _compact({"com": com, "num": number, "resultv2": s.resultv2, "show": "0", "order": "desc",
                          **self._phone(com, phone)})
        form = {"customer": s.customer, "param": param,
                "sign": query_sign(param, s.key.get_secret_value(), s.customer)}
        reply = await self._post(session, "query", "/poll/query.do", form)
        if "data" in reply and str(reply.get("status") or "200") == "200":
            return reply
        code = str(reply.get("returnCode") or "")
        if code == NOT_FOUND:
            return None
        raise error_for("query", code, str(reply.get("message") or ""), QUERY_CODES)

    async def _post(self, session: aiohttp.ClientSession, operation: str, path: str,
                    form: dict[str, str]) -> dict[str, Any]:
        retrying = AsyncRetrying(stop=stop_after_attempt(self.settings.retry_attempts),
                                 wait=wait_fixed(self.settings.retry_wait_s),
                                 retry=retry_if_exception(worth_retrying_here), reraise=True)
        # Only the transport is retried here; a returnCode is answered once, mapped, and raised.
        async for attempt in retrying:
            with attempt:
                reply = await self._send(session, operation, path, form)
        return reply

    async def _send(self, session: aiohttp.ClientSession, operation: str, path: str,
                    form: dict[str, str]) -> dict[str, Any]:
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        try:
            async with session.post(self.settings.base_url + path, data=form, timeout=timeout) as resp:
                if resp.status != 200:
                    raise http_error(operation, resp.status, retry_after_seconds(resp.headers.get("Retry-After")))
                body = await resp.read()
        except TimeoutError as exc:
            raise TransientError(f"Kuaidi100 {operation} did not answer within {self.settings.timeout_s} s") from exc
        except aiohttp.ClientError as exc:
            raise TransientError(f"cannot reach Kuaidi100 ({operation}): {type(exc).__name__}") from exc
        try:
            reply = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TransientError(f"Kuaidi100 {operation} answered with a body that is not JSON") from exc
        if not isinstance(reply, dict):
            raise TransientError(f"Kuaidi100 {operation} answered with an unexpected body")
        return reply
