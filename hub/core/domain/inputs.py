"""Validated inputs for creating entities: the API, the CLI and the shop webhook share them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewCustomer(Input):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=200)
    grade: Literal["A", "B", "C"] = "B"
    language: str = Field("zh-CN", max_length=16)
    email: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=64)
    salesperson: str | None = Field(None, max_length=64)


class NewOrderLine(Input):
    product_code: str = Field(min_length=1, max_length=64)
    spec: str = Field("", max_length=200)
    # A line missing its quantity or price is recorded and clarified with the customer within
    # 4 hours (000), not refused: the order exists from the first call.
    qty: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=3, description="Missing: to clarify.")
    unit_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4, description="Missing: to clarify.")
    category: str = Field("main_unit", max_length=32)


class Contact(Input):
    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=64)
    address: str | None = Field(None, max_length=500)
    pickup_company: str | None = Field(None, max_length=200)
    plate: str | None = Field(None, max_length=32)


class SpecialOrder(Input):
    """Standard and requested sizes of a special order (特订): sizes only, ±1/3 at most."""

    standard: dict[str, Decimal]
    requested: dict[str, Decimal]


class NewOrder(Input):
    ref: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    customer_code: str | None = Field(None, min_length=1, max_length=64)
    customer: NewCustomer | None = None
    kind: Literal["standard", "special"] = "standard"
    lines: list[NewOrderLine] = Field(min_length=1, max_length=500)
    currency: str = Field("CNY", min_length=3, max_length=3)
    delivery_mode: Literal["delivery", "pickup"] = "delivery"
    contact: Contact = Contact()
    deposit_due: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    promised_date: date | None = None
    special: SpecialOrder | None = None
    source: str = Field("api", max_length=32)
    # What the channel could not map (a shop's SKU no product code knows, a currency the hub does not
    # sell in): recorded with the order's missing fields, clarified with the customer within 4 hours.
    clarify: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field([], max_length=20)


class NewShipment(Input):
    ref: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    mode: Literal["delivery", "pickup", "express"] | None = Field(
        None, description="Default: the order's delivery mode. Another one needs mode_change_reason; a back order "
                          "sent by express parcel (000: 特殊情况可快递发出) needs express_reason.")
    express_reason: str | None = Field(None, min_length=1, max_length=500, description=(
        "Why a back order goes by express parcel instead of the order's delivery mode: the recorded choice."))
    mode_change_reason: str | None = Field(None, min_length=1, max_length=500,
                                           description="Why this shipment differs from the order's delivery mode.")
    carrier: str | None = Field(None, max_length=32)
    tracking_number: str | None = Field(None, max_length=64)
    pieces: int | None = Field(None, ge=1, le=100000)
    waybill_weight_kg: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=3)
    carrier_contact: str | None = Field(None, max_length=200, description="The driver's or the carrier's phone.")
    plate: str | None = Field(None, max_length=32, description="The vehicle's plate.")
    escort: str | None = Field(None, max_length=200, description="Who rides with the goods (押运人).")
    pickup_company: str | None = Field(None, max_length=200, description="Self-pickup: who collects.")
    lines: dict[int, Decimal] | None = Field(None, description="line_no → qty; default: all open qty")


class NewClaim(Input):
    ref: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    order_ref: str = Field(min_length=1, max_length=64)
    shipment_ref: str | None = Field(None, max_length=64)
    kind: Literal["damage", "shortage", "wrong_goods", "loss"]
    insured: bool = False
    amount_claimed: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    description: str = Field("", max_length=4000)
    at_fault: Literal["company", "carrier", "customer", "unknown"] = Field(
        "unknown", description="Who caused the loss, when known at opening; the company's own fault (我司原因) has "
                               "the vice-president in charge approve the settlement (004).")


class RepairChecklist(Input):
    """The intake checks of seed 003 for a unit sent in for repair."""

    serial_match: bool  # serial/IMEI inside and outside match (内外串号一致)
    seal_intact: bool  # anti-tamper seal intact (防伪贴完好)
    liquid_marks: bool  # traces of liquid (进液痕迹)
    missing_parts: bool
    unauthorised_repair: bool  # opened by an unauthorised repairer
    accessories_kept: list[str] = Field(default_factory=list, max_length=50)
    sealed_bag: list[str] = Field(default_factory=list, max_length=20, description=(
        "What was taken out and handed back to the customer in a sealed bag (SIM, battery, memory card: 密封袋)."))
    cost_ceiling: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    data_loss_acknowledged: bool  # customer warned to back up data (数据丢失)


class Replacement(Input):
    """What an exchange gives instead (003): the price decides the difference the customer pays."""

    product_code: str = Field(min_length=1, max_length=64)
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=4)
    qty: int | None = Field(None, ge=1, le=10**6, description="Default: the quantity exchanged.")
    in_set: bool = Field(False, description="A swap inside a set (套餐内) at the same points and amount.")


Ground = Literal["repeat_repair", "frightened", "injury", "logistics_damage", "allergy"]


class NewReturn(Input):
    ref: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    order_ref: str = Field(min_length=1, max_length=64)
    type: Literal["cancel", "refund", "return_refund", "exchange", "repair"]
    line_no: int | None = Field(None, ge=1, le=10**6)
    reason: str = Field(min_length=1, max_length=500)
    description: str = Field("", max_length=4000)
    evidence: list[str] = Field(default_factory=list, max_length=20, description=(
        "Photos and documents (names or links): a defect's photos are kept for the factory."))
    address: str | None = Field(None, max_length=500)
    amount: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description=(
        "A refund's amount; default: the line's value, or what was paid; never more than was paid."))
    # The return form of 000 (退货申请表): beside product, model, spec and quantity (the order line's)
    batch_no: str | None = Field(None, min_length=1, max_length=64, description="Production batch number (生产批号).")
    received_on: date | None = Field(None, description="When the customer received the goods (原收货时间).")
    return_transport: str | None = Field(None, min_length=1, max_length=200, description=(
        "How the goods travel back to the factory (本次返厂所需运输): carrier, vehicle or the customer's own."))
    packaging_intact: bool = True
    point_difference: int = Field(0, ge=0, le=10**6)
    quantity: int = Field(1, ge=1, le=10**6)
    replacement: Replacement | None = Field(None, description="An exchange's replacement, priced.")
    ground: Ground | None = Field(None, description=(
        "A quality ground of 003 that allows returning or exchanging what the policy excludes: repeat_repair "
        "(the hub counts the unit's repairs for the fault), frightened, injury, logistics_damage, allergy."))
    medical_certificate: str | None = Field(None, min_length=1, max_length=200, description=(
        "The hospital's certificate (allergy ground): its number or document name."))
    unit_serial: str | None = Field(None, min_length=1, max_length=64, description=(
        "The unit's serial number or IMEI: its repairs are counted per unit and fault."))
    fault: str | None = Field(None, min_length=1, max_length=200, description="The fault, as a short name.")
    proof_of_purchase: bool = True
    manufactured_on: date | None = None
    on_site: bool = Field(False, description="An equipment repair done where the unit is: a technician within "
                                             "24 hours.")
    checklist: RepairChecklist | None = None


class NewStore(Input):
    """A new store passed on by store development (000, 新开店备发货流程): the order desk takes it from here."""

    ref: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$",
                     description="The store opening's reference, e.g. ST-2026-014.")
    customer_code: str | None = Field(None, min_length=1, max_length=64,
                                      description="An existing customer; or give customer to create it.")
    customer: NewCustomer | None = Field(None, description="The new customer's record (reused if the code exists).")
    order_ref: str | None = Field(None, min_length=1, max_length=64, description="The store's first order, if known.")
    name: str = Field("", max_length=200, description="The store's name.")
    address: str | None = Field(None, max_length=500)
    developer: str | None = Field(None, max_length=64, description="Who in store development passed it on.")
    allocation: str = Field("", max_length=4000, description="Store development's allocation requirements (配货要求).")


_LineNo = Annotated[int, Field(ge=1, le=10**6)]
_Quantity = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=3)]


class NewComplaint(Input):
    """A complaint taken after delivery (000: 三日内点清数量和检验): what is short, damaged or wrong, on which lines,
    and how it came in. The order is the one in the path (POST /api/orders/{ref}/complaints)."""

    ref: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$",
                            description="The complaint's reference; default: CP- and a generated number.")
    kind: Literal["shortage", "damage", "wrong_goods"]
    lines: dict[_LineNo, _Quantity] = Field(min_length=1, max_length=500, description=(
        "line_no → the quantity short, damaged or wrong; at most what the order (or the named shipment) carried."))
    shipment_ref: str | None = Field(None, min_length=1, max_length=64,
                                     description="The shipment complained of: one of the order's.")
    description: str = Field(min_length=1, max_length=4000, description="What the customer reported.")
    channel: Literal["phone", "fax", "visit", "email"] = Field(description="How the complaint was received.")
