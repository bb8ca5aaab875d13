"""Settings of the SMTP notifier: the relay, its security and credentials, roles, routes, documents."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator

from plugins.notify.common import BACK_ORDER, COMPANY_AT_FAULT, CUSTOMER, NotifySettings
from plugins.notify.common.documents import DOCUMENTS

# Every customer milestone to the customer; the back-order list to planning too, the outbound note to
# the warehouse (000). Roles nobody filled in (``roles``) reach no one until they are.
DEFAULT_ROUTES = {**{milestone: ("customer",) for milestone in sorted(CUSTOMER)},
                  f"order_shipped.{BACK_ORDER}": ("customer", "planning"),
                  "order_released": ("warehouse",), "order_cancelled": ("customer", "warehouse"),
                  # 004: the claim report to its approvers; the vice-president's when the company is at fault
                  "claim_report_issued": ("cs_manager", "general_manager"),
                  f"claim_report_issued.{COMPANY_AT_FAULT}": ("cs_manager", "vice_president"),
                  # 004: a VIP short of the requirement goes back to the sales department first
                  "customer_vip_reevaluation_requested": ("sales",)}
# The delivery note goes the day after the goods left (shipment_delivery_note_due), not with the
# shipping notice; a shipping notice with lines still short carries the back-order list.
DEFAULT_ATTACHMENTS = {"order_reviewed": "order_confirmation", "order_confirmation_overdue": "order_confirmation",
                       "shipment_delivery_note_due": "delivery_note", "order_delivered": "delivery_note",
                       f"order_shipped.{BACK_ORDER}": "back_order_list", "order_released": "outbound_note",
                       # 000: a pickup is loaded from the outbound note, or from the loading notice (装车通知单)
                       # the order desk fills in before the truck is loaded: the warehouse gets both
                       "order_released.pickup": ("outbound_note", "loading_notice"),
                       "claim_opened": "claim_form", "claim_report_issued": "claim_report"}


class SmtpSettings(NotifySettings):
    DEFAULT_ROLES_OPTIONAL = True

    host: str = Field(description="SMTP relay host name.")
    port: int = Field(587, ge=1, le=65535, description="587 for STARTTLS submission, 465 for implicit TLS.")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (upgrade after connect), tls (implicit TLS) or none (local relay only).")
    username: str | None = Field(None, description="Login at the relay; with password.")
    password: SecretStr | None = Field(None, description='Use { env = "HUB_SMTP_PASSWORD" } in hub.toml.')
    ca_file: Path | None = Field(None, description="CA bundle for a relay with a private certificate authority.")
    timeout_s: float = Field(30.0, gt=0, description="Per SMTP command.")
    sender: str = Field(description="From: address of every message, e.g. 'Service <service@example.com>'.")
    reply_to: str | None = Field(None, description="Reply-To: where customers' answers go (customer service).")
    message_id_domain: str | None = Field(None, description="Right side of Message-ID; default the sender's domain.")
    roles: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description=(
            "Internal role → e-mail addresses, e.g. claims, finance, sales, warehouse (the outbound note), "
            "planning (the back-order list), cs_manager, general_manager and vice_president (the claim report)."))
    routes: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_ROUTES),
        description=("Milestone → 'customer' and/or roles. Default: every customer milestone to the customer, "
                     "the back-order list also to 'planning', the outbound note to 'warehouse'."))
    attachments: dict[str, str | tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_ATTACHMENTS),
        description=(f"Milestone (or route key, e.g. 'order_shipped.{BACK_ORDER}') → the document (or list of "
                     f"documents) attached to its letters: {', '.join(DOCUMENTS)}."))

    def targets(self) -> set[str]:
        return set(self.roles)

    @model_validator(mode="after")
    def _consistent(self) -> SmtpSettings:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        named = {doc for docs in self.attachments.values() for doc in ((docs,) if isinstance(docs, str) else docs)}
        if unknown := named - set(DOCUMENTS):
            raise ValueError(f"attachments: unknown documents {sorted(unknown)}")
        return self

    @property
    def id_domain(self) -> str:
        return self.message_id_domain or self.sender.rsplit("@", 1)[-1].strip(" >") or "hub.invalid"
