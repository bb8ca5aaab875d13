"""New-store setup (000, 新开店备发货流程): from store development's data to normal ordering.

The order desk sends the start documents, prepares the product list while store development
prepares the decor list, sends both for the customer's confirmation, ships the first delivery on
the agreed date, ships what it could not carry from the back-order list (欠货清单) on planning's
dates, then hands the store over to normal ordering. Guards read a ``StoreFacts`` built by the
behaviour (hub/core/domain/stores.py) from the stored opening plus the event's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from hub.core.lifecycle.table import Event, EventData, Lifecycle, Move, moves_from


class StoreState(StrEnum):
    RECEIVED = "received"  # store development passed the new store's data to the order desk
    DOCUMENTS_SENT = "documents_sent"  # the three start documents went to the customer
    LISTS_PREPARED = "lists_prepared"  # the product list is ready; store development prepares the decor list
    LISTS_SENT = "lists_sent"  # product and decor lists with the customer for confirmation
    CONFIRMED = "confirmed"  # confirmed, paid, shipping date agreed: the warehouse prepares
    BACK_ORDERS_OPEN = "back_orders_open"  # the first shipment left; the back-order list is owed
    FULLY_SHIPPED = "fully_shipped"  # everything the store needs has shipped
    HANDED_OVER = "handed_over"  # the store orders like any customer now
    CANCELLED = "cancelled"


# The start documents (000): 《专卖店启动立项书》, 《专卖店设计方案》, 《专卖店形象品清单》.
START_DOCUMENTS = ("project_brief", "design_plan", "image_items_list")
StartDocument = Literal["project_brief", "design_plan", "image_items_list"]
ItemKind = Literal["product", "decor", "image"]


@dataclass(frozen=True)
class StoreFacts:
    documents_missing: tuple[str, ...] = START_DOCUMENTS
    back_orders_outstanding: int = 0


def _documents_complete(f: StoreFacts) -> str | None:
    if f.documents_missing:
        return "start documents still to send: " + ", ".join(f.documents_missing)
    return None


def _documents_pending(f: StoreFacts) -> str | None:
    return None if f.documents_missing else "every start document is sent"


def _nothing_owed(f: StoreFacts) -> str | None:
    if f.back_orders_outstanding:
        return (f"{f.back_orders_outstanding} back-order line(s) still to ship (back_orders_shipped); "
                "the store is handed over once everything has shipped")
    return None


def _something_owed(f: StoreFacts) -> str | None:
    return None if f.back_orders_outstanding else "no back-order line outstanding"


# --- event data -----------------------------------------------------------------------------


class StoreItem(EventData):
    """One line of a store list: the product list, the decor list (饰品清单) or the image items (形象品)."""

    code: str = Field(min_length=1, max_length=64, description="Product, decor or image-item code.")
    description: str = Field("", max_length=200)
    qty: Decimal = Field(gt=0, max_digits=14, decimal_places=3)


class DocumentsSent(EventData):
    documents: list[StartDocument] = Field(
        min_length=1, max_length=3, description="Which start documents went out (project_brief: 专卖店启动立项书, "
        "design_plan: 专卖店设计方案, image_items_list: 专卖店形象品清单); the store moves on once all three have.")
    image_items: list[StoreItem] = Field(default_factory=list, max_length=500,
                                         description="The image items (形象品) the image-items list names.")


class ProductListPrepared(EventData):
    lines: list[StoreItem] = Field(min_length=1, max_length=500, description=(
        "The store's product list, from store development's allocation requirements and the stock on hand."))


class ListsSent(EventData):
    decor_items: list[StoreItem] = Field(min_length=1, max_length=500,
                                         description="Store development's decor list (饰品清单), sent with the products.")
    channel: Literal["fax", "email", "mail", "chat"] = Field("fax", description="How the lists went out.")


class ListsChanged(EventData):
    """The customer added or removed decor or image items: store development's manager signs (000)."""

    signed_by: str = Field(min_length=1, max_length=64,
                           description="The store-development manager who signed the change (店面研发部经理).")
    decor_items: list[StoreItem] | None = Field(None, max_length=500, description="The decor list as changed.")
    image_items: list[StoreItem] | None = Field(None, max_length=500, description="The image items as changed.")

    @model_validator(mode="after")
    def _something_changed(self) -> ListsChanged:
        if self.decor_items is None and self.image_items is None:
            raise ValueError("lists_changed needs decor_items or image_items")
        return self


class Confirmed(EventData):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="What the customer paid.")
    reference: str | None = Field(None, max_length=64, description="The bank or payment reference.")
    shipping_date: date = Field(description="The shipping date agreed with the customer (协商发货期).")


class BackOrderLine(EventData):
    kind: ItemKind = "product"
    code: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=200)
    qty: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    eta: date = Field(description="The date planning gives for it (计划准确回复交期).")


class FirstShipped(EventData):
    shipment_ref: str | None = Field(None, min_length=1, max_length=64, description="The first shipment.")
    order_ref: str | None = Field(None, min_length=1, max_length=64, description="The store's first order.")
    back_orders: list[BackOrderLine] = Field(default_factory=list, max_length=500, description=(
        "What the first shipment could not carry (欠货清单), each with planning's date; it goes to the "
        "customer and planning."))


class BackOrdersShipped(EventData):
    line_nos: list[PositiveInt] = Field(default_factory=list, max_length=500, description=(
        "The back-order lines shipped (numbered by the hub in the order first_shipped listed them); "
        "none given: every line still outstanding."))
    shipment_ref: str | None = Field(None, min_length=1, max_length=64)
    express: bool = Field(False, description="Sent by express (特殊情况可快递发出).")
    express_reason: str | None = Field(None, min_length=1, max_length=500, description="Why by express.")

    @model_validator(mode="after")
    def _express_has_reason(self) -> BackOrdersShipped:
        if self.express and not self.express_reason:
            raise ValueError("an express shipment needs express_reason (the special case)")
        return self


class HandedOver(EventData):
    brief_returned_to: str = Field(min_length=1, max_length=64, description=(
        "Who in store development took the project brief (专卖店启动立项书) back for the archive."))
    kept: list[Literal["design_floor_plan", "image_items_list"]] = Field(
        default_factory=lambda: ["design_floor_plan", "image_items_list"], max_length=2,
        description="What the order desk keeps on file (专卖店设计平面图, 形象品清单).")


class StoreCancelled(EventData):
    reason: str = Field(min_length=1, max_length=500)


S = StoreState
BEFORE_SHIPPING = (S.RECEIVED, S.DOCUMENTS_SENT, S.LISTS_PREPARED, S.LISTS_SENT, S.CONFIRMED)
ITEM = {"code": "SOFA-3", "description": "3-seat sofa, grey", "qty": "4"}
EVENTS = [
    Event("documents_sent", "The start documents went to the customer (project brief, design plan, image-items "
          "list); the store moves on once all three have.",
          (Move(S.RECEIVED, S.DOCUMENTS_SENT, _documents_complete), Move(S.RECEIVED, "", _documents_pending)),
          DocumentsSent, {"documents": list(START_DOCUMENTS),
                          "image_items": [{"code": "SIGN-1", "description": "shop sign", "qty": "1"}]}),
    Event("product_list_prepared", "The order desk prepared the store's product list from the allocation "
          "requirements and stock; store development now prepares the decor list.",
          (Move(S.DOCUMENTS_SENT, S.LISTS_PREPARED), Move(S.LISTS_PREPARED)), ProductListPrepared,
          {"lines": [ITEM]}),
    Event("lists_sent", "The product and decor lists went to the customer for confirmation.",
          (Move(S.LISTS_PREPARED, S.LISTS_SENT),), ListsSent,
          {"decor_items": [{"code": "VASE-2", "description": "floor vase", "qty": "2"}]}),
    Event("lists_changed", "The customer changed decor or image items, signed by the store-development manager; "
          "the lists stay with the customer for confirmation.", (Move(S.LISTS_SENT),), ListsChanged,
          {"signed_by": "sd-manager-wu", "decor_items": [{"code": "VASE-2", "qty": "3"}]}),
    Event("confirmed", "The customer confirmed the lists, paid and agreed the shipping date; the warehouse "
          "prepares the goods.", (Move(S.LISTS_SENT, S.CONFIRMED),), Confirmed,
          {"amount": "16800.00", "reference": "BANK-0310-07", "shipping_date": "2026-03-20"}),
    Event("first_shipped", "The first shipment left; whatever it could not carry is listed with planning's "
          "dates as back orders.",
          (Move(S.CONFIRMED, S.FULLY_SHIPPED, _nothing_owed), Move(S.CONFIRMED, S.BACK_ORDERS_OPEN, _something_owed)),
          FirstShipped, {"shipment_ref": "SH-1", "order_ref": "SO-1",
                         "back_orders": [{"kind": "decor", "code": "VASE-2", "qty": "1", "eta": "2026-03-27"}]}),
    Event("back_orders_shipped", "Back-order lines shipped when due (by express in special cases); the store "
          "is fully shipped once none is left.",
          (Move(S.BACK_ORDERS_OPEN, S.FULLY_SHIPPED, _nothing_owed), Move(S.BACK_ORDERS_OPEN, "", _something_owed)),
          BackOrdersShipped, {"line_nos": [1], "shipment_ref": "SH-2"}),
    Event("handed_over", "Everything shipped: the store goes to normal ordering; the project brief goes back "
          "to store development.",
          (Move(S.FULLY_SHIPPED, S.HANDED_OVER), Move(S.BACK_ORDERS_OPEN, S.HANDED_OVER, _nothing_owed)),
          HandedOver, {"brief_returned_to": "sd-archive-lin"}),
    Event("cancelled", "The store opening was called off before its first shipment.",
          moves_from(BEFORE_SHIPPING, S.CANCELLED), StoreCancelled, {"reason": "the landlord withdrew the lease"}),
]
STORE = Lifecycle("store", [s.value for s in S], S.RECEIVED, (S.HANDED_OVER, S.CANCELLED), EVENTS)
