"""Kingdee K3 Cloud (金蝶云星空) WebAPI adapter."""
from hub import PluginSpec
from plugins.erp.kingdee.plugin import KingdeePlugin
from plugins.erp.kingdee.settings import KingdeeSettings

SPEC = PluginSpec(name="erp.kingdee", kind="erp", settings=KingdeeSettings, factory=KingdeePlugin,
                  description="Kingdee K3 Cloud: audited sales orders, outbound documents and claim credits.")
