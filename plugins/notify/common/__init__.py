"""Shared pieces of the notify plugins: milestones, notices, templates, routing, ledger, quiet hours.

The sandbox notifier reuses ``build_notice``, ``TemplateStore`` and ``NotifySettings.targets_for``
so that what it records is exactly what the real channels would send.
"""
from .dispatch import Recipient, deliver
from .documents import Document, for_audience, render_document
from .ledger import fingerprint, ledger_key, redact
from .milestones import BACK_ORDER, COMPANY_AT_FAULT, CUSTOMER, CUSTOMER_TARGET, INTERNAL
from .notice import Notice, build_notice
from .quiet_hours import QuietHours
from .settings import NotifySettings
from .templates import Rendered, TemplateStore

__all__ = ["BACK_ORDER", "COMPANY_AT_FAULT", "CUSTOMER", "CUSTOMER_TARGET", "INTERNAL", "Document", "Notice",
           "NotifySettings", "QuietHours", "Recipient", "Rendered", "TemplateStore", "build_notice", "deliver",
           "fingerprint", "for_audience", "ledger_key", "redact", "render_document"]
