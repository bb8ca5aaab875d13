"""Customer SMS through Aliyun (dysmsapi SendSms), with quiet hours."""
from hub import PluginSpec

from .plugin import SmsNotifier
from .settings import SmsSettings

SPEC = PluginSpec(name="notify.sms", kind="notify", settings=SmsSettings, factory=SmsNotifier,
                  description="SMS through Aliyun SendSms templates; customers' messages held in quiet hours.")
