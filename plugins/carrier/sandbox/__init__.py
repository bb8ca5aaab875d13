"""Carrier sandbox: scripted tracking and JSON pushes with no external system."""
from hub import PluginSpec

from .plugin import CarrierSandbox
from .settings import CarrierSandboxSettings

SPEC = PluginSpec(name="carrier.sandbox", kind="carrier", settings=CarrierSandboxSettings,
                  factory=CarrierSandbox, description="Scripted tracking and signed JSON pushes, no carrier needed.")
