"""All Aliyun SMS I/O: one signed SendSms POST per message."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hub import HookContext
from plugins.notify.common.http import post, session_for

from .errors import classify
from .settings import SmsSettings
from .signing import send_sms_params, signed


async def send_sms(settings: SmsSettings, ctx: HookContext, *, phone: str, template_code: str,
                   template_param: dict[str, str], out_id: str) -> str:
    """Send one SMS; returns Aliyun's BizId (the receipt to look the message up by)."""
    params = send_sms_params(
        access_key_id=settings.access_key_id, region_id=settings.region_id, phone=phone,
        sign_name=settings.sign_name, template_code=template_code, template_param=template_param,
        out_id=out_id, nonce=str(uuid.uuid4()), at=datetime.now(UTC))  # Aliyun rejects stale timestamps
    body = signed(params, settings.access_key_secret.get_secret_value())
    async with session_for(ctx, settings.timeout_s) as session:
        reply = await post(session, settings.base_url, "aliyun sms", settings.timeout_s, data=body)
    reply.check(classify(reply.status, reply.payload))
    return str(reply.payload.get("BizId", ""))
