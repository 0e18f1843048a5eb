"""Issue 19: customer service's balance and import decisions are pure functions (R-C5, R-C4, R-A4, R-C3)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.customer.domain import assignment, balances, imports
from services.customer.domain.classification import Size
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.errors import DomainError
from shared.rules import RuleId

MAY, JUNE = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
GRADES = {
    g.code: assignment.GradeView(g.code, g.may_lead_teams, frozenset(g.customer_classes))
    for g in DEFAULT_LADDER_GRADES
}
ZERO3 = (Decimal("0"), Decimal("0"), Decimal("0"))


def test_R_C5_per_customer_only_the_newest_report_counts_and_the_first_of_equals():
    reports = [
        balances.Reported("rcc", "c-1", None, MAY),
        balances.Reported("rcc", "c-1", None, JUNE),
        balances.Reported("rcc", "c-1", None, JUNE),
        balances.Reported("other", "c-1", None, MAY),
    ]
    decided = balances.newest_reports(reports, {})
    assert decided.reports == {("c-1", "rcc"): 1, ("c-1", "other"): 3}
    assert decided.refused == {}


def test_R_C5_a_core_banking_number_names_a_file_or_the_report_is_refused():
    reports = [balances.Reported("rcc", None, "62001", MAY), balances.Reported("rcc", None, "99999", MAY)]
    decided = balances.newest_reports(reports, {("62001", "rcc"): "c-1"})
    assert decided.reports == {("c-1", "rcc"): 0}
    assert decided.refused == {1: "balances " + balances.unknown_number("99999", "rcc")}
    assert "no customer file of rcc carries" in decided.refused[1]


def test_R_C5_reports_for_customers_of_no_file_are_refused_by_index():
    reports = [balances.Reported("rcc", "c-1", None, MAY), balances.Reported("rcc", None, "62001", MAY)]
    assert balances.refused_unknown(reports, {("c-1", "rcc")}) == {0: "balances for unknown customer c-1"}


@pytest.mark.parametrize(
    ("on_record", "amounts", "expected"),
    [
        (None, ZERO3, balances.Opening.CREATED),
        (MAY, ZERO3, balances.Opening.UPDATED),
        (JUNE, (Decimal("1"), Decimal("0"), Decimal("0")), balances.Opening.UNCHANGED),
        (
            JUNE,
            ZERO3,
            balances.Opening.OLDER,
        ),  # as old, but different: flagged, a correction needs a later date
    ],
)
def test_R_C5_an_opening_balance_replaces_only_older_balances(on_record, amounts, expected):
    row = (Decimal("1"), Decimal("0"), Decimal("0"))
    assert balances.opening(on_record, amounts, JUNE, row) is expected


def test_R_C5_the_customers_import_keeps_newer_balances_and_empty_cells():
    cells = {"deposit_balance": Decimal("5"), "loan_balance": None}
    assert imports.imported_balances(None, MAY, cells) == {"deposit_balance": Decimal("5")}
    assert imports.imported_balances(JUNE, MAY, cells) == {}


def test_R_C4_a_row_names_known_cms_offices_and_teams_and_each_number_once():
    seen: dict[str, int] = {}
    row = imports.RowNames(2, "62001", "E1", ["E1", "E9"], "X", "t-9")
    found = imports.refusals(row, {"E1": object()}, {}, {}, seen)
    assert [(r.column, r.key) for r in found] == [
        ("co_employee_nos", "import.manager_unknown"),
        ("co_employee_nos", "import.primary_is_co"),
        ("office_code", "import.office_unknown"),
        ("team_id", "import.team_unknown"),
    ]
    assert seen == {"62001": 2}
    again = imports.refusals(imports.RowNames(3, "62001", "E1", [], None, None), {"E1": 1}, {}, {}, seen)
    assert [(r.key, r.params["line"]) for r in again] == [("import.duplicate", 2)]


def test_an_opening_balance_row_names_a_file_on_record_once():
    seen: dict[str, int] = {}
    assert imports.book_refusals(2, "62001", True, seen) == []
    keys = [r.key for r in imports.book_refusals(3, "62001", False, seen)]
    assert keys == ["import.duplicate", "import.customer_unknown"]
    assert imports.book_refusals(4, None, False, seen) == []


def test_co_numbers_are_split_however_the_cell_separates_them():
    assert imports.co_numbers("E1；E2, E3、E4  E5") == ["E1", "E2", "E3", "E4", "E5"]
    assert imports.co_numbers(None) == []


def test_the_office_is_the_rows_else_the_primarys_else_the_head_office():
    offices, placed = {"N": "o-n"}, {"m-1": "o-1"}
    assert imports.office_of("N", offices, placed, "m-1", "root") == "o-n"
    assert imports.office_of(None, offices, placed, "m-1", "root") == "o-1"
    assert imports.office_of(None, offices, placed, "m-2", "root") == "root"
    assert imports.office_of(None, offices, placed, "m-2", "") is None


def test_a_branch_supervisor_imports_only_into_their_subtree():
    reach = {"o-1"}
    assert imports.outside_reach("62001", True, "o-2", "o-1", reach).column == "external_id"  # type: ignore[union-attr]
    assert imports.outside_reach("62001", True, None, "o-1", reach) is not None  # a file of no office
    assert imports.outside_reach("62001", False, None, "o-2", reach).column == "office_code"  # type: ignore[union-attr]
    assert imports.outside_reach("62001", False, None, "o-1", reach) is None


def test_R_C3_R_Q7_a_legacy_team_is_judged_not_refused():
    cls = imports.classification(
        {**dict.fromkeys(imports.FLAGS, False), "size": "medium", "risk_amount": "0"}
    )
    assert cls.size is Size.MEDIUM
    expired = assignment.ManagerView("m-1", "rcc", "active", date(2020, 1, 1), "cm")
    verdict = imports.judge_team(cls, [expired], GRADES, Decimal("1000000"), None, date(2026, 6, 1))
    assert [e.key for e in verdict.refused_managers] == ["customer.assignment.manager_not_certified"]
    assert all(isinstance(e, DomainError) for e in verdict.refused_managers)
    assert [v.rule for v in verdict.violations] == [RuleId.R_C3]


def test_R_A4_an_imported_team_shares_equally_with_the_primary_first():
    team = imports.imported_team("a", ["b", "c"])
    assert [(m, r.value) for m, r, _ in team] == [("a", "primary"), ("b", "co_manager"), ("c", "co_manager")]
    assert sum(s for _, _, s in team) == Decimal("100")
    assert team[0][2] == Decimal("33.34")


def test_an_existing_customer_changes_only_where_its_row_differs():
    values = {"name": "Farm", "deposit_balance": Decimal("1"), "loan_balance": None}
    on_file = imports.Standing(values, ("a",), None, {}, True, [])
    assert not imports.update(on_file, MAY, on_file, JUNE).changed
    row = imports.Standing({**values, "deposit_balance": Decimal("2")}, ("a", "b"), None, {}, False, ["x"])
    moved = imports.update(on_file, MAY, row, JUNE)
    assert moved.changed
    assert moved.team_changed
    assert moved.compliance_changed
    assert (moved.fields, moved.balances_as_of) == ({"deposit_balance": Decimal("2")}, JUNE)
    kept = imports.Standing(row.values, ("a",), None, {}, True, [])
    # R-C5: the balances on record are newer than the row's start date
    assert not imports.update(on_file, JUNE, kept, MAY).changed
