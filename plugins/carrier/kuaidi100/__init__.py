"""``carrier.kuaidi100``: Kuaidi100 (快递100) subscription push for Chinese carriers."""
from hub import PluginSpec
from plugins.carrier.kuaidi100.plugin import NAME, Kuaidi100Plugin
from plugins.carrier.kuaidi100.settings import Kuaidi100Settings

SPEC = PluginSpec(name=NAME, kind="carrier", settings=Kuaidi100Settings, factory=Kuaidi100Plugin,
                  description="Kuaidi100 subscription push: subscribes booked numbers, verifies signed callbacks, "
                              "re-subscribes after abort.")
