"""ERP sandbox: reviews and postings with no external system (the default config)."""
from hub import PluginSpec

from .plugin import ErpSandbox
from .settings import ErpSandboxSettings

SPEC = PluginSpec(name="erp.sandbox", kind="erp", settings=ErpSandboxSettings, factory=ErpSandbox,
                  description="ERP with no server: stock and prices from the config, postings to a local file.")
