"""Tryton ERP adapter: order review, sale posting, shipments, claims and returns over JSON-RPC."""
from hub import PluginSpec
from plugins.erp.tryton.plugin import TrytonPlugin
from plugins.erp.tryton.settings import TrytonSettings

SPEC = PluginSpec(name="erp.tryton", kind="erp", settings=TrytonSettings, factory=TrytonPlugin,
                  description="Tryton 8.2 over JSON-RPC: review stock, post sales, move shipments, "
                              "credit claims, book returns.")
