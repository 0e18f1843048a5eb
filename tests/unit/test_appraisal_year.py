"""Issue 19: what appraisal's service layer used to decide, now pure (R-A1..R-A4, R-P1, R-P3)."""

from datetime import date
from decimal import Decimal

import pytest

from services.appraisal.domain import computation, cycle, evaluation, ledger, pay, staff, summary, tenure
from services.appraisal.domain.attribution import split_in_force
from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.evaluation import Missing, Source
from services.appraisal.domain.grading import GradeTerms, ProposalKind
from services.appraisal.domain.pay import LossPolicy
from services.appraisal.domain.sheet import Attribution, pooled_profit
from shared.errors import Conflict

D = Decimal
LADDER = [
    GradeTerms("senior", 1, 1, D(12000), D("0.03"), D(80), D(2_000_000), D(85), D(2_500_000)),
    GradeTerms("cm", 2, 1, D(8000), D("0.025"), D(70), D(800_000), D(75), D(1_000_000)),
]


def test_R_P1_days_in_grades_run_from_each_spell_to_the_next_and_off_post_days_count_for_none():
    history = [(date(2024, 6, 1), "cm"), (date(2025, 3, 1), None), (date(2025, 5, 1), "senior")]
    assert tenure.days_in_grades(history, 2025) == {"cm": 59, "senior": 245}
    assert tenure.days_in_grades([(date(2026, 2, 1), "cm")], 2025) == {}
    assert tenure.days_in_grades([], 2025) == {}
    assert (tenure.days_in_year(2024), tenure.days_in_year(2025)) == (366, 365)


def test_R_Q8_the_grade_at_the_years_end_is_the_last_spell_begun_by_then_else_the_one_known():
    history = [(date(2025, 1, 1), "cm"), (date(2025, 9, 1), "senior"), (date(2026, 1, 1), "cm")]
    assert tenure.grade_at_year_end(history, 2025, "trainee") == "senior"
    assert tenure.grade_at_year_end([], 2025, "trainee") == "trainee"
    assert tenure.grade_at_year_end([(date(2025, 3, 1), None)], 2025, None) is None


def _year(**changes: object) -> computation.Year:
    base: dict[str, object] = {
        "year": 2025,
        "grades": LADDER,
        "source_weights": {"self": D("0.2"), "supervisor": D("0.5"), "customer": D("0.3")},
        "policy": LossPolicy.CARRY_FORWARD,
        "history": {"m-1": [(date(2024, 1, 1), "cm")]},
        "known_grades": {"m-1": "cm", "m-2": "senior"},
        "attribution": Attribution(managers={"m-1": 100_000_000}, teams={"t-1": 5}, unattributed=7),
        "pooled": {"m-1": 20_000_000},
        "scores": {"m-1": {Source.SELF: D(90), Source.SUPERVISOR: D(90), Source.CUSTOMER: D(90)}},
        "overspends": {"m-1": D(500)},
        "carried_losses": {"m-2": D(-1000)},
    }
    return computation.Year(**{**base, **changes})  # type: ignore[arg-type]


def test_R_P1_R_Q8_a_cycle_computes_every_participants_sheet_from_the_years_figures():
    first, second = computation.compute(["m-1", "m-2"], _year())
    assert first.manager_id == "m-1"
    assert first.figures.held == {"cm": 365}
    assert (first.sheet.profit, first.sheet.pay.floating_pay) == (D(1_200_000), D("30000.00"))
    assert first.sheet.pay.net_pay == D(8000 * 12) + D("30000.00") - D(500)
    assert first.sheet.proposal is ProposalKind.KEEP
    # No history: the grade known now; no profit, no score; last year's loss carried in.
    assert (second.figures.grade, second.figures.direct_fen, second.sheet.score) == ("senior", 0, None)
    assert second.sheet.pay.carried_loss_out == D(-1000)
    assert computation.attributed_total(_year().attribution) == 100_000_005


def test_R_A1_only_a_cycle_not_final_is_computed_again_and_a_final_one_stays_final():
    assert cycle.recompute(CycleStatus.OPEN) is CycleStatus.COMPUTED
    assert cycle.recompute(CycleStatus.COMPUTED) is CycleStatus.COMPUTED
    with pytest.raises(Conflict):
        cycle.recompute(CycleStatus.SUPERSEDED)
    assert [s.final for s in CycleStatus] == [False, False, True, True]


def test_R_A1_R_A3_graded_cms_on_staff_take_part_and_their_portfolios_are_the_current_assignments():
    assert cycle.takes_part("leaving", "cm")
    assert not cycle.takes_part("left", "cm")
    assert not cycle.takes_part("on_post", None)
    assert cycle.portfolios([("c-1", ["m-1", "m-2"]), ("c-2", ["m-1"])]) == {
        "m-1": ["c-1", "c-2"],
        "m-2": ["c-1"],
    }


def test_R_A3_what_is_owed_follows_the_participants_order_and_each_cms_sample():
    given = [("m-1", "self", "m-1"), ("m-1", "customer", "c-2"), ("m-2", "supervisor", "s-1")]
    drawn = [("m-1", "c-2"), ("m-1", "c-1"), ("m-2", "c-3")]
    assert evaluation.owed(["m-2", "m-1"], given, drawn) == [
        Missing("m-2", Source.SELF, "m-2"),
        Missing("m-2", Source.CUSTOMER, "c-3"),
        Missing("m-1", Source.SUPERVISOR, None),
        Missing("m-1", Source.CUSTOMER, "c-1"),
    ]
    assert evaluation.owed([], given, drawn) == []


def test_R_A4_a_pool_counts_as_split_only_for_the_amount_its_lead_split():
    assert split_in_force(D(100), D(100), {"m-1": D(100)}) == (True, {"m-1": D(100)})
    assert split_in_force(D(120), D(100), {"m-1": D(100)}) == (False, {})
    assert split_in_force(D(0), None, {}) == (True, {})
    allocations = [("t-1", "m-1", D("10.05")), ("t-2", "m-1", D(5)), ("t-1", "m-2", D("0.01"))]
    assert pooled_profit(allocations, {"t-1"}) == {"m-1": 1005, "m-2": 1}


def test_R_A2_a_batch_books_new_ids_once_ignores_exact_repeats_and_refuses_other_figures():
    known = {("o", "p-1"): ("c-1", D(10))}
    incoming = [
        (("o", "p-1"), ("c-1", D(10))),  # already booked, the same: ignored
        (("o", "p-2"), ("c-1", D(5))),  # new: booked
        (("o", "p-2"), ("c-1", D(5))),  # repeated in the batch: ignored
        (("o", "p-2"), ("c-1", D(6))),  # the same id with other figures: refused
        (("o", "p-1"), ("c-2", D(10))),  # refused
    ]
    book, refused = ledger.booking(known, incoming)
    assert book == [1]
    assert sorted(refused) == [3, 4]
    assert "p-2" in refused[3]
    assert ledger.year_totals([(("o", 2025, "c-1"), D(5)), (("o", 2025, "c-1"), D("-1.5"))]) == {
        ("o", 2025, "c-1"): D("3.5")
    }
    assert (ledger.posting_year("2025-03"), ledger.held_as("ext-9")) == (2025, "external:ext-9")


def test_a_cm_who_left_stays_left_and_a_team_counts_its_lead():
    assert staff.departure_requested("on_post") == "leaving"
    assert staff.departure_withdrawn("leaving") == "on_post"
    assert staff.registered("left") == "left"
    assert staff.departure_requested("left") == "left"
    assert staff.departed("leaving") == "left"
    assert staff.standing_on_grade("on_post", None) == "left"
    assert staff.standing_on_grade("leaving", "cm") == "leaving"
    assert staff.team_members("m-2", ["m-3", "m-1", "m-2"]) == ["m-1", "m-2", "m-3"]


def test_R_P3_the_floating_pay_left_in_cash_is_what_pay_in_kind_did_not_take():
    assert pay.in_cash(D("1000.00"), [D(400), D("100.50")]) == D("499.50")
    assert pay.in_cash(D("1000.00"), []) == D("1000.00")


class _Sheet:
    def __init__(self, profit: str, score: str | None, proposal: str = "keep") -> None:
        self.attributed_profit = D(profit)
        self.score = None if score is None else D(score)
        self.floating_pay = D(1)
        self.proposal = proposal


def test_a_groups_figures_bands_and_order_follow_the_ladder_then_the_name():
    sheets = [_Sheet("100", "91"), _Sheet("-50", None, "demote"), _Sheet("201", "60")]
    figures = summary.group_figures(sheets)
    assert (figures.managers, figures.total_profit, figures.mean_profit) == (3, D(251), D("83.67"))
    assert (figures.median_profit, figures.min_profit, figures.max_profit) == (D(100), D(-50), D(201))
    assert (figures.mean_score, figures.total_floating_pay) == (D("75.50"), D(3))
    assert figures.proposals == {"keep": 2, "demote": 1}
    assert summary.score_bands(s.score for s in sheets) == {"90-100": 1, "no score": 1, "60-69": 1}
    assert summary.band(D("59.99")) == "below 60"
    order = summary.grouped(["b", "senior", "a", "cm"], lambda x: x, ["senior", "cm"])
    assert [name for name, _ in order] == ["senior", "cm", "a", "b"]
    assert summary.rising_bands()[0] == "below 60"
