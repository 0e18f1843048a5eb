"""Issue 19: appraisal decides in pure functions (R-A1, R-A3, R-A4, R-P1, R-Q8): state in, outcome out."""

from datetime import date
from decimal import Decimal

import pytest

from services.appraisal.domain import attribution, cycle, evaluation, ledger, pay, sheet
from services.appraisal.domain.attribution import split_pool
from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.evaluation import Criterion, Entrant, Source
from services.appraisal.domain.grading import GradeTerms, ProposalKind
from services.appraisal.domain.pay import LossPolicy
from shared.errors import Conflict, Forbidden, RuleViolation

D = Decimal
TODAY = date(2026, 1, 15)
CONFIG = cycle.OpeningConfig(deadline_days=20, sample_size=2, loss_policy="zero")
LADDER = [
    GradeTerms("senior", 1, 1, D(12000), D("0.03"), D(80), D(2_000_000), D(85), D(2_500_000)),
    GradeTerms("cm", 2, 1, D(8000), D("0.025"), D(70), D(800_000), D(75), D(1_000_000)),
]
WEIGHTS = {"performance": D("0.5"), "ability": D("0.3"), "quality": D("0.2")}
SCORES = {Criterion.PERFORMANCE: D(80), Criterion.ABILITY: D(70), Criterion.QUALITY: D(90)}


def test_R_A1_a_cycle_opens_as_the_next_version_with_every_cm_and_a_seeded_sample():
    portfolios = {"m-1": ["c-1", "c-2", "c-3"]}
    opening = cycle.open_cycle([], None, None, None, "seed", ["m-1", "m-2"], portfolios, CONFIG, TODAY)
    assert (opening.version, opening.deadline, opening.sample_size) == (1, date(2026, 2, 4), 2)
    assert opening.loss_policy == "zero"
    assert opening.samples["m-1"] == evaluation.draw_sample("seed", "m-1", portfolios["m-1"], 2)
    assert opening.samples["m-2"] == []
    with pytest.raises(Conflict):
        cycle.open_cycle([(1, "open")], None, None, None, "s", [], {}, CONFIG, TODAY)
    with pytest.raises(Conflict) as past:
        cycle.open_cycle([], date(2026, 1, 1), None, None, "s", [], {}, CONFIG, TODAY)
    assert past.value.key == "appraisal.cycle.deadline_in_past"


def test_R_A1_only_a_finalized_cycle_is_corrected_and_a_deadline_never_moves_into_the_past():
    fix = cycle.correct(CycleStatus.FINALIZED, [1, 2], None, 20, TODAY)
    assert (fix.version, fix.deadline) == (3, date(2026, 2, 4))
    with pytest.raises(Conflict):
        cycle.correct(CycleStatus.OPEN, [1], None, 20, TODAY)
    assert cycle.move_deadline(CycleStatus.COMPUTED, date(2026, 3, 1), TODAY) == date(2026, 3, 1)
    with pytest.raises(Conflict):
        cycle.move_deadline(CycleStatus.OPEN, date(2026, 1, 1), TODAY)
    with pytest.raises(Conflict):
        cycle.move_deadline(CycleStatus.FINALIZED, date(2026, 3, 1), TODAY)


def test_R_A1_finalizing_is_refused_while_evaluations_or_splits_are_missing_and_republishes_new_proposals():
    computed = CycleStatus.COMPUTED
    with pytest.raises(RuleViolation) as missing:
        cycle.finalize("cy-1", computed, False, 2, [], [], {})
    assert missing.value.key == "appraisal.cycle.evaluations_missing"
    with pytest.raises(RuleViolation):
        cycle.finalize("cy-1", computed, False, 0, ["t-1"], [], {})
    with pytest.raises(Conflict):
        cycle.finalize("cy-1", CycleStatus.FINALIZED, False, 0, [], [], {})
    done = cycle.finalize(
        "cy-1", computed, True, 0, [], [("m-1", "keep"), ("m-2", "promote")], {"m-1": "keep"}
    )
    assert [(f.manager_id, f.proposal_changed) for f in done.sheets] == [("m-1", False), ("m-2", True)]
    assert (done.status, done.superseded) == (CycleStatus.FINALIZED, CycleStatus.SUPERSEDED)
    assert cycle.finalize("cy-1", CycleStatus.OPEN, False, 0, [], [], {}).superseded is None


def test_R_A3_reminders_only_while_evaluations_are_collected():
    cycle.check_remindable("computed", "cy-1")
    with pytest.raises(RuleViolation):
        cycle.check_remindable("finalized", "cy-1")


def test_R_A3_each_evaluation_is_entered_by_the_party_entitled_to():
    cm = Entrant("m-1", is_cm=True, is_supervisor=False, is_channel=False)
    assert evaluation.evaluate(Source.SELF, "m-1", cm, None, set(), SCORES, WEIGHTS)[0] == "m-1"
    with pytest.raises(Forbidden):
        evaluation.evaluate(Source.COLLEAGUE, "m-1", cm, None, set(), SCORES, WEIGHTS)
    channel = Entrant("bank", is_cm=False, is_supervisor=False, is_channel=True)
    assert evaluation.evaluate(Source.CUSTOMER, "m-1", channel, "c-1", {"c-1"}, SCORES, WEIGHTS) == (
        "c-1",
        evaluation.evaluation_score(SCORES, WEIGHTS),
    )
    with pytest.raises(RuleViolation) as not_drawn:
        evaluation.evaluate(Source.CUSTOMER, "m-1", channel, "c-9", {"c-1"}, SCORES, WEIGHTS)
    assert not_drawn.value.key == "appraisal.evaluation.customer_not_drawn"
    boss = Entrant("s-1", is_cm=False, is_supervisor=True, is_channel=False)
    with pytest.raises(RuleViolation):
        evaluation.evaluate(Source.SUPERVISOR, "m-1", boss, "c-1", set(), SCORES, WEIGHTS)


def test_R_A4_a_pool_is_split_exactly_among_members_while_the_cycle_is_not_final():
    split = split_pool(CycleStatus.OPEN, D(100), {"m-2": D(40), "m-1": D(60)}, {"m-1", "m-2"})
    assert split == [("m-1", D(60)), ("m-2", D(40))]
    with pytest.raises(Conflict):
        split_pool(CycleStatus.FINALIZED, D(100), {"m-1": D(100)}, {"m-1"})
    with pytest.raises(RuleViolation):
        split_pool(CycleStatus.OPEN, D(100), {"m-1": D(99)}, {"m-1"})


def test_R_A2_R_A4_the_years_sums_go_to_a_sole_cm_a_pool_nobody_or_shares_to_the_fen():
    sums = [
        ("m-1", None, None, None, None, None, 100),
        (None, "t-1", None, None, None, None, 50),
        (None, None, None, None, None, None, 7),
        (None, None, "p-1", "m-1", "shares", {"m-1": D(50), "m-2": D(50)}, 11),
    ]
    gathered = sheet.gather(sums)
    assert gathered.managers == {"m-1": 106, "m-2": 5} or gathered.managers == {"m-1": 105, "m-2": 6}
    assert (gathered.teams, gathered.unattributed) == ({"t-1": 50}, 7)


def test_R_P1_R_Q8_a_result_sheet_pays_on_the_profit_and_proposes_against_the_ladder():
    figures = sheet.Figures(
        grade="cm",
        direct_fen=100_000_000,
        pool_fen=20_000_000,
        scores={Source.SELF: D(90), Source.SUPERVISOR: D(90), Source.CUSTOMER: D(90)},
        held={},
        overspend=D(0),
        carried_loss=D(0),
    )
    weights = {"self": D("0.2"), "supervisor": D("0.5"), "customer": D("0.3")}
    result = sheet.result_sheet(figures, LADDER, weights, LossPolicy.ZERO, 365)
    assert (result.direct_profit, result.pool_profit, result.profit) == (
        D(1_000_000),
        D(200_000),
        D(1_200_000),
    )
    assert result.pay.floating_pay == D("30000.00")
    assert result.proposal is ProposalKind.KEEP  # 1.2M short of the senior standard (2.5M)


def test_R_P3_pay_in_kind_only_on_a_finalized_sheet_and_within_its_floating_pay():
    assert pay.pay_in_kind(True, D(1000), [D(400)], D(600)) == D(600)
    with pytest.raises(Conflict):
        pay.pay_in_kind(False, D(1000), [], D(1))
    with pytest.raises(RuleViolation):
        pay.pay_in_kind(True, D(1000), [D(400)], D("600.01"))


def test_R_A2_R_A4_periods_chain_a_sole_cm_takes_all_and_a_posting_id_is_booked_once():
    assert attribution.sole_manager("shares", "m-1", {}) == "m-1"
    assert attribution.sole_manager("shares", "m-1", {"m-1": "50", "m-2": "50"}) is None
    assert attribution.sole_manager("team_pool", "m-1", {}) is None
    jan, mar = date(2025, 1, 1), date(2025, 3, 1)
    assert attribution.chain([jan, mar]) == [(attribution.EARLIEST, mar), (mar, None)]
    assert ledger.posting_refused("p-1", None, ("c-1",)) is None
    assert ledger.posting_refused("p-1", ("c-1",), ("c-1",)) is None
    assert ledger.posting_refused("p-1", ("c-1",), ("c-2",)) is not None


def test_R_A4_a_pool_no_longer_computed_goes_and_a_split_that_no_longer_adds_up_waits_for_the_lead():
    gone, still = sheet.refresh_pools({"t-1": D(100), "t-2": D(50), "t-3": None}, {"t-1": 10_000, "t-3": 500})
    assert (gone, still) == (["t-2"], {"t-1"})


def test_R_A3_a_sources_score_is_the_mean_of_its_evaluations_to_the_hundredth():
    assert evaluation.mean_score(D("200.01"), 3) == D("66.67")
