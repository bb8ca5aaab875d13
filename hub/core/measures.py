"""Carrier measures in the hub's units: a weight in whatever unit a carrier writes, in kg.

Its own module because the tracking types (``hub.core.models``) and the tracking rules
(``hub.core.tracking``) both need it and neither may import the other.
"""
from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

# Kilograms per unit, keyed by the unit as carriers spell it (upper-cased): the UN/ECE
# Recommendation 20 codes (KGM, GRM, LBR, ONZ, TNE: DHL Freight, EDI carriers) and the
# common spellings. A new spelling is one row; a unit no row knows is recorded, not guessed.
WEIGHT_UNITS: dict[str, Decimal] = {
    "KGM": Decimal("1"),  # Rec. 20 kilogram
    "KG": Decimal("1"), "KGS": Decimal("1"), "KILO": Decimal("1"), "KILOS": Decimal("1"),
    "KILOGRAM": Decimal("1"), "KILOGRAMS": Decimal("1"), "公斤": Decimal("1"), "千克": Decimal("1"),
    "GRM": Decimal("0.001"),  # Rec. 20 gram
    "G": Decimal("0.001"), "GR": Decimal("0.001"), "GRAM": Decimal("0.001"), "GRAMS": Decimal("0.001"),
    "克": Decimal("0.001"),
    "LBR": Decimal("0.45359237"),  # Rec. 20 pound (avoirdupois), exact by definition
    "LB": Decimal("0.45359237"), "LBS": Decimal("0.45359237"), "POUND": Decimal("0.45359237"),
    "POUNDS": Decimal("0.45359237"),
    "ONZ": Decimal("0.028349523125"),  # Rec. 20 ounce (avoirdupois)
    "OZ": Decimal("0.028349523125"),
    "TNE": Decimal("1000"),  # Rec. 20 tonne (metric ton)
    "T": Decimal("1000"), "TONNE": Decimal("1000"), "吨": Decimal("1000"),
    # "TON" alone is not a row: short, long and metric tons differ by 10 %, so it is not guessed.
    "STN": Decimal("907.18474"),  # Rec. 20 short ton (US)
    "LTN": Decimal("1016.0469088"),  # Rec. 20 long ton (UK)
}
# A carrier that sends a weight without a unit means its default; DHL's sample unit is kg.
DEFAULT_WEIGHT_UNIT = "KG"


def to_kg(value: Decimal | str | float | int | None, unit: str | None) -> Decimal | None:
    """A carrier weight in kg; None when the value is not a number or the unit is unknown."""
    factor = WEIGHT_UNITS.get(weight_unit(unit))
    try:
        amount = Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
    if factor is None or amount is None or not amount.is_finite() or amount < 0:
        return None
    return amount * factor


def weight_unit(unit: str | None) -> str:
    """A unit as the table keys it: case, width, spaces and a trailing dot do not matter ("Kg.")."""
    cleaned = unicodedata.normalize("NFKC", unit or "").strip().rstrip(".").replace(" ", "").upper()
    return cleaned or DEFAULT_WEIGHT_UNIT
