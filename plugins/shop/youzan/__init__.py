"""Youzan (有赞): the push messages (消息推送) of trades and refunds, signed with the app's client_id
and client_secret (MD5: the Event-Sign header over the raw body, or the body's sign over its msg),
answered ``{"code":0,"msg":"success"}``."""
from hub import PluginSpec

from .plugin import YouzanPlugin, YouzanSettings

SPEC = PluginSpec(name="shop.youzan", kind="shop", settings=YouzanSettings, factory=YouzanPlugin,
                  description="Youzan push messages: new orders, cancellations and refunds, signature checked.")
