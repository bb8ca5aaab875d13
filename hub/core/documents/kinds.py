"""The documents of the manuals, declared once: which entity each belongs to, its title, who it is for
and when it has anything to say. The API's list, its renderer, the notify plugins' attachments and
the tests all read this table."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.core.models import ClaimSnapshot, OrderSnapshot, ShipmentSnapshot

CUSTOMER, INTERNAL = "customer", "internal"
SUBJECT_TYPES = {"order": OrderSnapshot, "shipment": ShipmentSnapshot, "claim": ClaimSnapshot}


@dataclass(frozen=True)
class DocumentKind:
    name: str
    entity: str  # order | shipment | claim: where GET /api/{entity}/{ref}/documents lists it
    titles: dict[str, str]  # language → title
    audiences: frozenset[str]  # who receives it with a letter (customer | internal)
    seed: str  # where the manuals name it
    # Why the document has nothing to say for this entity yet (None: it renders).
    unavailable: Callable[[Any], str | None] = lambda subject: None

    def applies_to(self, subject: Any) -> bool:
        """Whether the document has anything to say of ``subject``: another entity's snapshot (an
        order's delivery note, from what it shipped) renders; its own entity's when available."""
        own = SUBJECT_TYPES.get(self.entity)
        return own is None or not isinstance(subject, own) or self.unavailable(subject) is None

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]

    @property
    def filename_stem(self) -> str:
        return self.name.replace("_", "-")

    def filename(self, ref: str) -> str:
        return f"{self.filename_stem}-{ref}.pdf"


def _no_back_orders(order: OrderSnapshot) -> str | None:
    return None if any(line.back_order_qty > 0 for line in order.lines) else "no line of the order is short"


def _not_pickup(order: OrderSnapshot) -> str | None:
    # 000: 客户自提的 … 在装车之前将《装车通知单》填写完整后交仓库装车 — only a collection is loaded by the customer's truck
    return None if order.delivery_mode == "pickup" else "the order is delivered, not collected (自提)"


def _no_amount(claim: ClaimSnapshot) -> str | None:
    # 004: 根据赔付金额出《理赔申请报告书》 — the report is on the amount proposed
    return None if claim.amount_approved is not None or claim.report_ref else "no settlement amount proposed yet"


_BOTH = frozenset({CUSTOMER, INTERNAL})
KINDS: dict[str, DocumentKind] = {k.name: k for k in (
    DocumentKind("order_confirmation", "order", {"zh-CN": "订单确认书", "en": "Order confirmation"},
                 frozenset({CUSTOMER}), "000: 订货合同单传真至客户确认并要求回传"),
    DocumentKind("back_order_list", "order", {"zh-CN": "欠货清单", "en": "Back-order list"}, _BOTH,
                 "000: 提交《欠货清单》给客户和计划部", _no_back_orders),
    DocumentKind("outbound_note", "order", {"zh-CN": "成品出库表", "en": "Outbound note"}, frozenset({INTERNAL}),
                 "000: 打出《成品出库表》…注明是自提或送货"),
    DocumentKind("loading_notice", "order", {"zh-CN": "装车通知单", "en": "Loading notice"}, frozenset({INTERNAL}),
                 "000: 在装车之前将《装车通知单》填写完整后交仓库装车", _not_pickup),
    DocumentKind("delivery_note", "shipment", {"zh-CN": "送货单", "en": "Delivery note"}, frozenset({CUSTOMER}),
                 "000: 货物发出的第二日…《送货单》传真至客户"),
    DocumentKind("claim_form", "claim", {"zh-CN": "申请赔偿表", "en": "Claim form"}, frozenset({CUSTOMER}),
                 "004: 客户填写《申请赔偿表》并回传"),
    DocumentKind("claim_report", "claim", {"zh-CN": "理赔申请报告书", "en": "Claim report"}, frozenset({INTERNAL}),
                 "004: 出《理赔申请报告书》→ 客户服务部经理审批 → 总经理", _no_amount),
)}
LANGUAGES = ("zh-CN", "en")


def kinds_of(entity: str) -> list[DocumentKind]:
    return [kind for kind in KINDS.values() if kind.entity == entity]


def resolve_language(requested: str | None, fallback: str) -> str:
    """zh, zh-cn, zh_CN → zh-CN; en-GB → en; anything else → ``fallback``."""
    primary = (requested or "").replace("_", "-").lower().split("-", 1)[0]
    return next((lang for lang in LANGUAGES if lang.lower().split("-", 1)[0] == primary), fallback)
