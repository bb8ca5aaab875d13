"""All robot I/O: one POST per message to a WeCom or DingTalk group robot."""
from __future__ import annotations

import time

from hub import HookContext
from plugins.notify.common import Rendered
from plugins.notify.common.http import post, session_for

from .errors import classify
from .robots import dingtalk_request, wecom_request
from .settings import DingTalkRobot, WeComRobot


async def send_to_robot(robot: WeComRobot | DingTalkRobot, rendered: Rendered, ctx: HookContext,
                        timeout_s: float) -> None:
    async with session_for(ctx, timeout_s) as session:
        if isinstance(robot, WeComRobot):
            url, params, body = wecom_request(robot.base_url, robot.key.get_secret_value(), rendered)
            reply = await post(session, url, "wecom robot", timeout_s, params=params, json=body)
        else:
            # DingTalk refuses a timestamp more than an hour off: sign with the wall clock, not ctx.now.
            url, params, body = dingtalk_request(robot.base_url, robot.access_token.get_secret_value(),
                                                 robot.secret.get_secret_value(), int(time.time() * 1000),
                                                 rendered)
            reply = await post(session, url, "dingtalk robot", timeout_s, params=params, json=body)
    reply.check(classify(robot.vendor, reply.status, reply.payload))
