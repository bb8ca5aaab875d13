"""The console's words in English and Simplified Chinese: the browser's language, or the one chosen."""
from __future__ import annotations

from aiohttp import web

LANGUAGES = ("en", "zh-CN")
COOKIE = "hub_lang"

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Integration hub", "集成中心"),
    "sign_in": ("Sign in", "登录"),
    "sign_out": ("Sign out", "退出"),
    "token": ("API token", "API 令牌"),
    "token_help": ("Paste your token (hub users token NAME prints one). It is checked once and never kept.",
                   "粘贴您的令牌（hub users token 用户名 可生成）。只校验一次，不会保存。"),
    "bad_token": ("That token is not valid", "令牌无效"),
    "overview": ("Overview", "总览"),
    "handoffs": ("Handoffs", "外发任务"),
    "dead_letters": ("Dead letters", "死信"),
    "oldest_pending": ("Oldest pending", "最早待发"),
    "failed_inbound": ("Failed inbound events", "失败的入站事件"),
    "inbound": ("Inbound events", "入站事件"),
    "plugins": ("Plugins", "插件"),
    "plugin": ("Plugin", "插件"),
    "circuit": ("Circuit", "熔断"),
    "last_success": ("Last success", "最近成功"),
    "failure_rate": ("Failures (24 h)", "失败率（24小时）"),
    "timers": ("Timers", "时限"),
    "breached": ("Breached", "已超时"),
    "due_4h": ("Due in 4 hours", "4小时内到期"),
    "due_24h": ("Due in 24 hours", "24小时内到期"),
    "cases": ("Open cases", "未结案件"),
    "claims_by_state": ("Claims by state", "理赔（按状态）"),
    "orders": ("Orders", "订单"), "shipments": ("Shipments", "发货"), "claims": ("Claims", "理赔"),
    "returns": ("Returns", "退换货"), "customers": ("Customers", "客户"),
    "state": ("State", "状态"), "ref": ("Reference", "编号"), "updated": ("Updated", "更新时间"),
    "hook": ("Hook", "钩子"), "attempts": ("Attempts", "尝试次数"), "error": ("Vendor's message", "对方返回"),
    "next_attempt": ("Next attempt", "下次尝试"), "entity": ("Entity", "对象"),
    "retry": ("Retry", "重试"), "discard": ("Discard", "丢弃"),
    "retry_dead_of": ("Retry every dead letter of", "重试该插件全部死信"),
    "retried": ("Retried", "已重试"), "discarded": ("Discarded", "已丢弃"),
    "documents": ("Documents", "单据"), "not_yet": ("not yet", "暂无"),
    "attachments": ("Received papers and photos", "回传单据与照片"), "file": ("File", "文件"),
    "document": ("Document", "单据"), "type": ("Type", "类型"), "size": ("Bytes", "字节"),
    "timeline": ("Timeline", "时间线"), "open_timers": ("Open timers", "进行中的时限"),
    "time_left": ("Time left", "剩余时间"), "events_now": ("What it accepts now", "当前可执行的事件"),
    "send": ("Send", "提交"), "payload": ("Payload (personal data masked)", "载荷（个人信息已遮蔽）"),
    "actions": ("Who acted", "操作记录"), "rule": ("Rule", "规则"), "due": ("Due", "到期"),
    "none": ("Nothing here", "暂无"), "next_page": ("Next page", "下一页"), "source": ("Source", "来源"),
    "received": ("Received", "接收时间"), "not_allowed": ("Your roles do not allow this", "您的角色无权执行此操作"),
    "no_csrf": ("The form is stale or forged: reload the page and try again", "表单已过期或无效：请刷新后重试"),
    "language": ("中文", "English"), "signed_in_as": ("Signed in as", "当前用户"),
    "anomaly": ("Anomaly", "异常"), "all": ("All", "全部"), "filter": ("Filter", "筛选"),
    "degraded": ("Running degraded", "降级运行"),
    "batch": ("Retry or discard in a batch", "批量重试或丢弃"), "within": ("Changed within", "最近变更"),
    "flag": ("Flag", "标记"), "older_than": ("Older than", "早于"),
    "actor": ("Actor", "操作人"), "at": ("At", "时间"), "event": ("Event", "事件"),
}


def language(request: web.Request) -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    accept = request.headers.get("Accept-Language", "").lower()
    return "zh-CN" if accept.startswith("zh") else "en"


def translator(lang: str):
    index = 1 if lang == "zh-CN" else 0

    def t(key: str) -> str:
        return TEXTS[key][index] if key in TEXTS else key
    return t
