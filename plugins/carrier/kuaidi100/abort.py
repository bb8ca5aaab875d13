"""Kuaidi100's ``abort`` followed up by its rule, with the state in the database (``ctx.state``).

After an abort the number is re-subscribed no sooner than 30 minutes later, and only if it is
valid: verified once per abort (the paid query, when a customer id is set). A try fails when
Kuaidi100 refuses the subscription or aborts the re-subscribed number again; after
``max_resubscriptions`` failed tries, or a verification that finds nothing, the hub gives up.
Every change is one compare-and-set on the shared state, so of all the workers only the one
that made it logs it: each change is logged once.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub import HookContext, StateEntry

RETRY_AFTER = timedelta(minutes=30)  # Kuaidi100: re-subscribe no sooner than 30 minutes after abort
CLAIM_STALE = timedelta(minutes=10)  # a worker that died mid-try frees the number after this
# A re-subscription younger than this is our own, not yet applied to the shipment: not a new abort
# (Kuaidi100 aborts after days without records or changes).
RESUBSCRIBED_GRACE = timedelta(minutes=30)


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class AbortFollowUp:
    """One tracking number's follow-up, read and changed by compare-and-set."""

    def __init__(self, state: Any, number: str, ctx: HookContext) -> None:
        self.state, self.number, self.now, self.log = state, number, ctx.now, ctx.log
        self.key = f"abort:{number}"
        self.entry = StateEntry(None, 0)

    async def _put(self, **changes: Any) -> bool:
        value = {**(self.entry.value or {}), **changes}
        if not await self.state.put(self.key, value, version=self.entry.version):
            return False  # another worker changed it first; it logs its own change
        self.entry = StateEntry(value, self.entry.version + 1)
        return True

    async def due(self, max_tries: int) -> bool:
        """Whether this worker makes the try now (it holds the number until it reports back)."""
        self.entry = await self.state.get(self.key)
        value = self.entry.value or {}
        status = value.get("status")
        if status is None or (status == "resubscribed"
                              and self.now - _at(value["resubscribed_at"]) >= RESUBSCRIBED_GRACE):
            await self._new_abort(value, max_tries, failed=status == "resubscribed")
            return False
        if status == "waiting" and self.now >= _at(value["next_try_at"]) or \
                status == "trying" and self.now - _at(value["claimed_at"]) >= CLAIM_STALE:
            return await self._put(status="trying", claimed_at=self.now.isoformat())
        return False  # resubscribed, gave up, or waiting for its time or for another worker's try

    async def _new_abort(self, value: dict[str, Any], max_tries: int, *, failed: bool) -> None:
        tries = value.get("tries", 0) + (1 if failed else 0)  # aborted again: that re-subscription failed
        if tries >= max_tries:
            await self.give_up("too_many_tries", tries=tries)
            return
        next_try = self.now + RETRY_AFTER
        if await self._put(status="waiting", abort_at=self.now.isoformat(), next_try_at=next_try.isoformat(),
                           tries=tries, verdict=None, claimed_at=None):
            self.log.info("carrier.kuaidi100.abort_recorded", tracking_number=self.number, tries=tries,
                          next_try_at=next_try.isoformat())

    async def verified(self, verdict: str) -> None:
        """valid | not_found | unverified (no customer id: Kuaidi100's subscription checks it)."""
        if await self._put(verdict=verdict):
            if verdict == "not_found":
                self.log.warning("carrier.kuaidi100.no_result", tracking_number=self.number)
            else:
                self.log.info("carrier.kuaidi100.number_verified", tracking_number=self.number, verdict=verdict)

    async def resubscribed(self, com: str) -> None:
        if await self._put(status="resubscribed", resubscribed_at=self.now.isoformat(), claimed_at=None):
            self.log.info("carrier.kuaidi100.resubscribed", tracking_number=self.number, company=com,
                          tries=self.entry.value.get("tries", 0) if self.entry.value else 0)

    async def failed(self, error: str, max_tries: int) -> None:
        """Kuaidi100 refused the subscription: a failed try; the next one 30 minutes later."""
        tries = (self.entry.value or {}).get("tries", 0) + 1
        if tries >= max_tries:
            await self.give_up("subscription_refused", tries=tries, error=error)
            return
        next_try = self.now + RETRY_AFTER
        if await self._put(status="waiting", tries=tries, next_try_at=next_try.isoformat(), claimed_at=None):
            self.log.warning("carrier.kuaidi100.resubscribe_refused", tracking_number=self.number, tries=tries,
                             error=error, next_try_at=next_try.isoformat())

    async def give_up(self, reason: str, **fields: Any) -> None:
        if await self._put(status="gave_up", reason=reason, gave_up_at=self.now.isoformat(), claimed_at=None,
                           **({"tries": fields["tries"]} if "tries" in fields else {})):
            self.log.error("carrier.kuaidi100.resubscribe_gave_up", tracking_number=self.number, reason=reason,
                           **fields)

    async def release(self) -> None:
        """The try could not finish (timeout, configuration): free the number for the next poll."""
        await self._put(status="waiting", claimed_at=None)
