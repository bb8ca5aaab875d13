"""All of ``carrier.dhl``'s I/O: tracking calls and the push subscription, with DHL's limits."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_fixed

from hub import PermanentError, TransientError, retry_after_seconds
from plugins.carrier.common.http import worth_retrying_here
from plugins.carrier.dhl.errors import Problem, RateLimited, error_for, quota_reset_after
from plugins.carrier.dhl.settings import DhlSettings

TRACK_PATH = "/track/shipments"
SUBSCRIPTION_PATH = "/tracking/push/v1/subscription"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise TransientError(f"DHL answered {self.status} with a body that is not JSON") from exc


@dataclass(frozen=True)
class Subscription:
    id: str
    secret: str | None


def _worth_retrying(exc: BaseException) -> bool:
    # A 429 spends more of a budget that is already gone: the poller backs off instead.
    return worth_retrying_here(exc) and not isinstance(exc, RateLimited)


class DhlClient:
    """DHL Unified tracking and push; one instance per plugin so the 1 call/s pace is shared."""

    def __init__(self, settings: DhlSettings) -> None:
        self.settings = settings
        self._pace = asyncio.Lock()
        self._last_call = 0.0

    async def track(self, session: aiohttp.ClientSession, number: str, service: str) -> dict[str, Any] | None:
        """DHL's tracking answer, or None while DHL does not know the number (404)."""
        params = {"trackingNumber": number, "service": service, "language": self.settings.language}
        if self.settings.requester_country_code:
            params["requesterCountryCode"] = self.settings.requester_country_code
        reply = await self._call(session, "GET", TRACK_PATH, params=params, not_found_ok=True)
        return None if reply.status == 404 else reply.json()

    async def subscribe(self, session: aiohttp.ClientSession, number: str, service: str) -> Subscription:
        s = self.settings
        assert s.push_callback_url and s.push_token  # settings validation guarantees both
        hook = {"uri": s.push_callback_url, "authentication": {
            "type": "ApiKeyAuthentication", "header": s.push_header, "token": s.push_token.get_secret_value()}}
        body = {"hook": hook, "format": "Default", "type": "Shipment", "service": service,
                "events": list(s.push_events), "shipmentIDs": [number]}
        data = (await self._call(session, "POST", SUBSCRIPTION_PATH, json_body=body)).json()
        # The id comes as ``id``, ``subscriptionId`` or only in the ``self`` link, depending on the source.
        sub_id = data.get("id") or data.get("subscriptionId") or str(data.get("self") or "").rstrip("/").rsplit("/")[-1]
        if not sub_id:
            raise PermanentError("DHL accepted the push subscription but returned no subscription id")
        return Subscription(str(sub_id), data.get("secret"))

    async def activate(self, session: aiohttp.ClientSession, subscription: Subscription) -> None:
        """Activate with the secret DHL returned or sent in ``subscription.validate``."""
        await self._call(session, "POST", f"{SUBSCRIPTION_PATH}/{subscription.id}",
                         headers={"DHL-API-Hook-Secret": subscription.secret or ""})

    async def _call(self, session: aiohttp.ClientSession, method: str, path: str, *,
                    not_found_ok: bool = False, **kwargs: Any) -> Reply:
        retrying = AsyncRetrying(stop=stop_after_attempt(self.settings.retry_attempts),
                                 wait=wait_fixed(self.settings.retry_wait_s),
                                 retry=retry_if_exception(_worth_retrying), reraise=True)
        async for attempt in retrying:
            with attempt:
                reply = await self._send(session, method, path, **kwargs)
                if reply.status >= 400 and not (reply.status == 404 and not_found_ok):
                    now = datetime.now(UTC)
                    wait = retry_after_seconds(reply.headers.get("Retry-After"), now)
                    if reply.status == 429 and wait is None:
                        wait = quota_reset_after(now)  # no hint: the daily quota is spent
                    raise error_for(Problem.parse(reply.status, reply.body), wait)
        return reply

    async def _send(self, session: aiohttp.ClientSession, method: str, path: str, *,
                    params: dict[str, str] | None = None, json_body: Any = None,
                    headers: dict[str, str] | None = None) -> Reply:
        await self._keep_pace()
        all_headers = {"DHL-API-Key": self.settings.api_key.get_secret_value(), "Accept": "application/json",
                       **(headers or {})}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        try:
            async with session.request(method, self.settings.base_url + path, params=params, json=json_body,
                                       headers=all_headers, timeout=timeout) as resp:
                return Reply(resp.status, await resp.read(), dict(resp.headers))
        except TimeoutError as exc:
            raise TransientError(f"DHL did not answer within {self.settings.timeout_s} s") from exc
        except aiohttp.ClientError as exc:
            raise TransientError(f"cannot reach DHL: {type(exc).__name__}") from exc

    async def _keep_pace(self) -> None:
        async with self._pace:
            loop = asyncio.get_running_loop()
            pause = self._last_call + self.settings.min_interval_s - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            self._last_call = loop.time()
