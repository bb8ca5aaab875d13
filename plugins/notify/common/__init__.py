"""Shared pieces of the notify plugins: milestones, notices, templates, routing, ledger, quiet hours.

The sandbox notifier reuses ``build_notice``, ``TemplateStore`` and ``NotifySettings.targets_for``
so that what it records is exactly what the real channels would send.
"""
from .dispatch import Recipient, deliver
from .documents import Document, render_document
from .ledger import fingerprint, ledger_key, redact
from .milestones import CUSTOMER, CUSTOMER_TARGET, INTERNAL
from .notice import Notice, build_notice
from .quiet_hours import QuietHours
from .settings import NotifySettings
from .templates import Rendered, TemplateStore

__all__ = ["CUSTOMER", "CUSTOMER_TARGET", "INTERNAL", "Document", "Notice", "NotifySettings", "QuietHours",
           "Recipient", "Rendered", "TemplateStore", "build_notice", "deliver", "fingerprint", "ledger_key",
           "redact", "render_document"]
