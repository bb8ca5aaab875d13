"""The repair batch lifecycle (003: 每周寄一次…区分可维修和不可维修产品, 报废品分清供应商及专卖店原因并各自承担相应费用;
清单记录, 核对清单打包寄厂, 串号核对, 防伪贴完好) against a transition table written from the brief, the factory's
results checked against the packing list, the cost split, and shuffled and duplicated events."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import ValidationError

from hub.core.errors import IllegalTransition, InvalidInput
from hub.core.lifecycle import LIFECYCLES, REPAIR_BATCH
from hub.core.lifecycle.repair_batch import Returned, Sent, UnitResult
from hub.core.domain.repair_results import check_results, cost_split, result_problems, with_results

STATES = ("packed", "sent", "returned", "closed", "cancelled")
EVENTS = ("sent", "returned", "closed", "cancelled")
EXPECTED = [("packed", "sent", "sent"), ("sent", "returned", "returned"), ("returned", "closed", "closed"),
            ("packed", "cancelled", "cancelled")]
LEGAL = {(state, event) for state, event, _ in EXPECTED}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in LEGAL]


def test_the_repair_batch_has_exactly_its_states_and_events():
    assert LIFECYCLES["repair_batch"] is REPAIR_BATCH
    assert REPAIR_BATCH.states == STATES and set(REPAIR_BATCH.events) == set(EVENTS)
    assert REPAIR_BATCH.initial == "packed" and REPAIR_BATCH.terminal == {"closed", "cancelled"}


def test_the_legal_pairs_are_exactly_the_expected_ones():
    assert {(s, e) for s in STATES for e in EVENTS if REPAIR_BATCH.accepts(s, e)} == LEGAL


@pytest.mark.parametrize(("state", "event", "target"), EXPECTED, ids=[f"{s}-{e}" for s, e, _ in EXPECTED])
def test_a_legal_event_moves_the_batch_to_the_expected_state(state, event, target):
    assert REPAIR_BATCH.next_state("RB-1", state, event) == target


@pytest.mark.parametrize(("state", "event"), ILLEGAL, ids=[f"{s}-{e}" for s, e in ILLEGAL])
def test_an_illegal_event_is_refused_naming_the_state_and_what_it_accepts(state, event):
    with pytest.raises(IllegalTransition) as caught:
        REPAIR_BATCH.next_state("RB-1", state, event)
    err = caught.value
    assert (err.entity, err.ref, err.state, err.event) == ("repair_batch", "RB-1", state, event)
    assert err.allowed == REPAIR_BATCH.accepted(state)


def test_a_sent_batch_can_no_longer_be_cancelled_only_returned():
    # the units are at the factory: unpacking is no longer possible, the 15 days run until they are back
    assert REPAIR_BATCH.accepted("sent") == ("returned",)


# --- event data ---------------------------------------------------------------------------------

REPAIRED = {"return_ref": "RT-1", "result": "repaired", "serial_read": "SN-1", "fault_resolved": True,
            "seal_intact": True}
SCRAPPED = {"return_ref": "RT-2", "result": "scrapped", "cause": "store", "cost": "80.00"}


def test_sending_needs_the_carrier_and_the_tracking_number():
    Sent.model_validate({"carrier": "sf", "tracking_number": "SF1"})
    for data, field in [({"carrier": "sf"}, "tracking_number"), ({"tracking_number": "SF1"}, "carrier"),
                        ({"carrier": "sf", "tracking_number": "SF1", "plate": "x"}, "plate")]:
        with pytest.raises(ValidationError) as caught:
            Sent.model_validate(data)
        assert field in {".".join(map(str, e["loc"])) for e in caught.value.errors()}


@pytest.mark.parametrize(("result", "problem"), [
    ({**SCRAPPED, "cause": None}, "a scrapped unit needs cause"),
    ({**SCRAPPED, "cost": None}, "a scrapped unit needs cost"),
    ({"return_ref": "RT-2", "result": "scrapped"}, "needs cause and cost"),
    ({**SCRAPPED, "replacement_serial": "SN-9"}, "a scrapped unit has no replacement"),
    ({**REPAIRED, "cause": "supplier"}, "cause and cost are a scrapped unit's"),
    ({**REPAIRED, "cost": "10"}, "cause and cost are a scrapped unit's"),
    ({**REPAIRED, "fault_resolved": None}, "give fault_resolved"),
    ({"return_ref": "RT-1", "result": "repaired"}, "give fault_resolved, seal_intact"),
    ({**SCRAPPED, "cause": "weather"}, "cause"),
    ({**SCRAPPED, "cost": "-1"}, "cost"),
    ({**REPAIRED, "result": "lost"}, "result"),
    ({**REPAIRED, "colour": "red"}, "colour"),
], ids=["no-cause", "no-cost", "neither", "scrap-replaced", "repaired-cause", "repaired-cost", "untested",
        "unchecked", "bad-cause", "negative-cost", "bad-result", "unknown-key"])
def test_each_unit_result_fits_its_kind_or_is_refused(result, problem):
    with pytest.raises(ValidationError) as caught:
        UnitResult.model_validate(result)
    assert problem in str(caught.value)


def test_a_result_of_each_kind_is_accepted_and_the_list_is_not_empty():
    Returned.model_validate({"results": [REPAIRED, SCRAPPED, {**SCRAPPED, "return_ref": "RT-3",
                                                              "cause": "undetermined", "cost": "0"}]})
    with pytest.raises(ValidationError):
        Returned.model_validate({"results": []})


# --- the results against the list, and the cost split -------------------------------------------

LINES = [{"return_ref": "RT-1", "order_ref": "SO-1", "customer_code": "C-1", "unit_serial": "SN-1"},
         {"return_ref": "RT-2", "order_ref": "SO-1", "customer_code": "C-1", "unit_serial": None},
         {"return_ref": "RT-3", "order_ref": "SO-2", "customer_code": "C-2", "unit_serial": None}]


def results(*items: dict) -> list[dict]:
    return [UnitResult.model_validate(item).model_dump(mode="json", exclude_unset=True) for item in items]


def test_every_unit_of_the_list_needs_exactly_one_result():
    complete = results(REPAIRED, SCRAPPED, {**SCRAPPED, "return_ref": "RT-3"})
    assert result_problems("RB-1", LINES, complete) == []
    problems = result_problems("RB-1", LINES, results(REPAIRED, REPAIRED, {**SCRAPPED, "return_ref": "RT-9"}))
    assert problems == [
        {"field": "data.results.1.return_ref", "message": "RT-1 is given twice: one result per unit"},
        {"field": "data.results.2.return_ref", "message": "RT-9 is not in batch RB-1; its units are RT-1, RT-2, RT-3"},
        {"field": "data.results", "message": "no result for RT-2, RT-3: every unit of batch RB-1 exactly once"}]
    with pytest.raises(InvalidInput) as caught:
        check_results("RB-1", LINES, results(REPAIRED))
    assert caught.value.field == "data.results" and "no result for RT-2, RT-3" in str(caught.value)


def test_a_repaired_unit_whose_serial_the_list_knows_has_its_serial_read():
    unread = {k: v for k, v in REPAIRED.items() if k != "serial_read"}
    problems = result_problems("RB-1", LINES, results(unread, SCRAPPED, {**SCRAPPED, "return_ref": "RT-3"}))
    assert problems == [{"field": "data.results.0.serial_read",
                         "message": "RT-1 went with serial SN-1: read the serial of the unit that came back (串号核对)"}]
    # a unit the list has no serial for is checked by eye; a replacement's serial is read off the new unit
    swapped = {**unread, "return_ref": "RT-2", "replacement_serial": "SN-NEW"}
    problems = result_problems("RB-1", LINES, results(REPAIRED, swapped, {**SCRAPPED, "return_ref": "RT-3"}))
    assert [p["message"] for p in problems] == [
        "RT-2 came back as replacement SN-NEW: read the serial of the unit that came back (串号核对)"]


def test_what_testing_finds_is_on_the_line_not_refused():
    checked = with_results(LINES, results(
        {**REPAIRED, "serial_read": "SN-OTHER", "fault_resolved": False, "seal_intact": False},
        {"return_ref": "RT-2", "result": "repaired", "replacement_serial": "SN-NEW", "serial_read": "SN-NEW",
         "fault_resolved": True, "seal_intact": True},
        {**SCRAPPED, "return_ref": "RT-3", "cause": "undetermined", "cost": "12.50"}))
    assert checked[0]["discrepancies"] == ["fault_persists", "serial_mismatch", "seal_broken"]
    assert (checked[1]["result"], checked[1]["replacement_serial"], checked[1]["discrepancies"]) == (
        "repaired", "SN-NEW", [])
    assert (checked[2]["result"], checked[2]["cause"], checked[2]["payer"], checked[2]["cost"]) == (
        "scrapped", "undetermined", "head_office", "12.50")
    assert checked[0]["customer_code"] == "C-1" and checked[2]["order_ref"] == "SO-2"  # the list stays whole


def test_the_scrap_costs_split_by_who_pays():
    lines = with_results(LINES, results(
        {**SCRAPPED, "return_ref": "RT-1", "cause": "supplier", "cost": "100.10"},
        {**SCRAPPED, "cause": "store", "cost": "20"},
        {**SCRAPPED, "return_ref": "RT-3", "cause": "undetermined", "cost": "5.05"}))
    assert cost_split(lines) == {"supplier": Decimal("100.10"), "store": Decimal("20"), "head_office": Decimal("5.05")}
    repaired_only = with_results(LINES[:1], results(REPAIRED))
    assert cost_split(repaired_only) == {"supplier": 0, "store": 0, "head_office": 0}


# --- shuffled and duplicated events -------------------------------------------------------------

@settings(max_examples=100, stateful_step_count=20, deadline=None)
class RepairBatchMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state, self.history = REPAIR_BATCH.initial, [REPAIR_BATCH.initial]

    @rule(event=st.sampled_from([*EVENTS, "teleported"]))
    def send(self, event: str) -> None:
        try:
            self.state = REPAIR_BATCH.next_state("RB-1", self.state, event)
        except IllegalTransition as err:
            assert err.state == self.state
            return
        self.history.append(self.state)

    @invariant()
    def the_batch_only_moves_forward(self) -> None:
        # packed → sent → returned → closed, or packed → cancelled: never back, never both ends
        walks = [list(STATES[:n]) for n in range(1, 5)] + [["packed", "cancelled"]]
        assert self.history in walks, self.history


TestRepairBatchMachine = RepairBatchMachine.TestCase
