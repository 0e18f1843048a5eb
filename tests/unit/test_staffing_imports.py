"""Issue 19: which rows of an office or staff file are taken, and a year's budget: pure decisions."""

from datetime import date
from decimal import Decimal

from services.staffing.domain import expenses
from services.staffing.domain.imports import (
    KnownStaff,
    OfficeLine,
    Refusal,
    StaffLine,
    plan_offices,
    plan_staff,
    stable_id,
)
from services.staffing.domain.ladder import DEFAULT_LADDER, ExpenseCategory
from shared.offices import OfficeVersion

ORG = "rcc-1"
DAY = date(2026, 1, 1)
HQ = OfficeVersion("o-hq", date(2020, 1, 1), None, "HQ", "head office")


def _office(line: int, code: str | None, parent: str | None, name: str | None = "x") -> OfficeLine:
    return OfficeLine(line, code, name, parent, DAY)


def _keys(refusals: tuple[Refusal, ...]) -> list[tuple[int, str, str]]:
    return [(r.line, r.column, r.key) for r in refusals]


def test_an_office_file_builds_a_tree_with_stable_ids_and_counts_what_it_changes():
    plan = plan_offices(ORG, [], [_office(2, "HQ", None), _office(3, "B1", "HQ"), _office(4, "O1", "B1")])
    assert plan.refusals == ()
    assert plan.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert plan.ids["B1"] == stable_id("o", ORG, "B1") == stable_id("o", ORG, "B1")
    assert stable_id("o", "rcc-2", "B1") != plan.ids["B1"]
    by_code = {v.code: v for v in plan.versions}
    assert by_code["O1"].parent_id == plan.ids["B1"]
    assert by_code["HQ"].parent_id is None


def test_a_rerun_changes_nothing_and_a_rename_is_an_update_from_the_known_date():
    known = [HQ, OfficeVersion("o-b1", date(2026, 3, 1), "o-hq", "B1", "branch")]
    same = plan_offices(ORG, known, [_office(2, "HQ", None, "head office"), _office(3, "B1", "HQ", "branch")])
    assert same.counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert same.versions == ()
    renamed = plan_offices(ORG, known, [_office(3, "B1", "HQ", "north branch")])
    assert renamed.counts["updated"] == 1
    assert renamed.versions == (OfficeVersion("o-b1", date(2026, 3, 1), "o-hq", "B1", "north branch"),)


def test_an_office_file_refuses_duplicates_a_second_root_unknown_parents_and_cycles():
    plan = plan_offices(
        ORG,
        [HQ],
        [
            _office(2, "B1", "HQ"),
            _office(3, "B1", "HQ"),
            _office(4, "R2", None),
            _office(5, "B2", "NOPE"),
            _office(6, None, "HQ"),  # a cell already refused: not looked at again
        ],
    )
    assert _keys(plan.refusals) == [
        (3, "code", "import.duplicate"),
        (4, "parent_code", "import.second_root"),
        (5, "parent_code", "import.office_unknown"),
    ]
    two_roots = plan_offices(ORG, [], [_office(2, "A", None), _office(3, "B", None)])
    assert _keys(two_roots.refusals) == [(3, "parent_code", "import.second_root")]
    cycle = plan_offices(ORG, [HQ], [_office(3, "A", "B"), _office(4, "B", "A")])
    assert _keys(cycle.refusals) == [(3, "parent_code", "import.cycle")]


def _staff(
    line: int,
    no: str | None,
    office: str | None = "B1",
    name: str = "Wang",
    certified_until: date | None = date(2027, 1, 1),
    refused: bool = False,
) -> StaffLine:
    return StaffLine(line, no, name, "cm", certified_until, None, None, office, refused)


def test_a_staff_file_places_new_cms_in_known_offices_and_leaves_the_unchanged_alone():
    known = {
        "E2": KnownStaff("m-2", "Wang", "cm", date(2027, 1, 1)),
        "E3": KnownStaff("m-3", "Li", "cm", None),
    }
    plan = plan_staff(
        ORG,
        [_staff(2, "E1"), _staff(3, "E2"), _staff(4, "E3", None, name="Li Na", certified_until=None)],
        {"B1": "o-b1"},
        known,
        {"m-2": "o-b1"},
    )
    assert plan.refusals == ()
    assert plan.counts == {"created": 1, "updated": 1, "unchanged": 1}
    assert plan.ids == {"E1": stable_id("m", ORG, "E1"), "E2": "m-2", "E3": "m-3"}
    new, renamed = plan.changes
    assert (new.manager_id, new.new, new.place_in) == (stable_id("m", ORG, "E1"), True, "o-b1")
    assert (renamed.manager_id, renamed.new, renamed.place_in, renamed.name) == ("m-3", False, None, "Li Na")


def test_a_staff_file_refuses_unknown_offices_duplicates_and_a_new_cm_without_an_office():
    plan = plan_staff(
        ORG,
        [
            _staff(2, "E1", "NOPE"),
            _staff(3, "E2"),
            _staff(4, "E2"),
            _staff(5, "E3", None),
            _staff(6, "E4", refused=True),  # a cell already refused: not taken, not refused twice
        ],
        {"B1": "o-b1"},
        {},
        {},
    )
    assert _keys(plan.refusals) == [
        (2, "office_code", "import.office_unknown"),
        (4, "employee_no", "import.duplicate"),
        (5, "office_code", "import.office_required"),
    ]
    assert [c.employee_no for c in plan.changes] == ["E2"]


def test_a_moved_cm_is_placed_in_their_new_office():
    known = {"E1": KnownStaff("m-1", "Wang", "cm", date(2027, 1, 1))}
    plan = plan_staff(ORG, [_staff(2, "E1", "B2")], {"B1": "o-b1", "B2": "o-b2"}, known, {"m-1": "o-b1"})
    assert plan.counts["updated"] == 1
    assert plan.changes[0].place_in == "o-b2"


def test_R_P2_hrs_budget_overrides_the_ladders_and_a_cm_off_the_post_has_none():
    ladder_budget = dict(DEFAULT_LADDER.grade("cm").expense_budget)
    assert expenses.budget_of("cm", {}, DEFAULT_LADDER) == ladder_budget
    hr = {ExpenseCategory.GIFTS: Decimal("500")}
    assert expenses.budget_of("cm", hr, DEFAULT_LADDER) == hr
    assert expenses.budget_of(None, hr, DEFAULT_LADDER) == {}
    assert expenses.budget_of("retired-grade", {}, DEFAULT_LADDER) == {}


def test_R_P2_a_year_is_budgeted_at_the_grade_held_at_its_end():
    assert expenses.grade_held("senior", []) == "senior"
    assert expenses.grade_held("senior", ["cm"]) == "cm"  # promoted after the year
    assert expenses.grade_held(None, ["cm"]) == "cm"  # removed after the year


def test_R_P2_spending_adds_up_per_category_within_the_calendar_year():
    spent = expenses.spent_by_category(
        [("gifts", Decimal("10.50")), ("gifts", Decimal("4.50")), ("activities", Decimal("1"))]
    )
    assert spent == {ExpenseCategory.GIFTS: Decimal("15.00"), ExpenseCategory.ACTIVITIES: Decimal("1")}
    assert expenses.year_span(2025) == (date(2025, 1, 1), date(2025, 12, 31))
