"""Odoo adapter over the JSON-2 API (19.0+) or the external JSON-RPC API."""
from hub import PluginSpec
from plugins.erp.odoo.plugin import OdooPlugin
from plugins.erp.odoo.settings import OdooSettings

SPEC = PluginSpec(name="erp.odoo", kind="erp", settings=OdooSettings, factory=OdooPlugin,
                  description="Odoo: confirmed sale orders, validated deliveries and claim credit notes.")
