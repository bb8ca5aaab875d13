"""Customer standing (004): VIP granted on the sales department's notice, reviewed monthly, revoked."""
from __future__ import annotations

from enum import StrEnum

from hub.core.lifecycle.table import Lifecycle, Rule


class CustomerStanding(StrEnum):
    REGULAR = "regular"
    VIP = "vip"


S = CustomerStanding
RULES = [
    Rule(S.REGULAR, "vip_granted", S.VIP),
    Rule(S.VIP, "vip_reviewed", S.VIP),  # the monthly review kept the status
    Rule(S.VIP, "vip_revoked", S.REGULAR),
    Rule(S.REGULAR, "grade_changed", S.REGULAR),
    Rule(S.VIP, "grade_changed", S.VIP),
]
CUSTOMER = Lifecycle("customer", [s.value for s in S], S.REGULAR, (), RULES)
GRADES = ("A", "B", "C")
