"""`steward demo`'s plan: the same seed plans the same year, and every team it proposes keeps the rules."""

from datetime import date
from decimal import Decimal

import pytest

from services.customer.domain.assignment import GradeView, ManagerView, violations
from services.staffing.domain.ladder import DEFAULT_LADDER
from services.staffing.ladder_json import grade_to_json
from steward.demo import activity
from steward.demo.plan import LOW, MIDDLE, TOP, Cooperative, grades_from_ladder, plan_cooperative

ON = date(2026, 6, 1)  # the day a team is judged on (certifications run to 2027 in these tests)

THRESHOLD = Decimal("1000000")
GRADES = grades_from_ladder({"grades": [grade_to_json(g) for g in DEFAULT_LADDER.ordered()]})


def _plan(seed: int = 11, managers: int = 12, customers: int = 120) -> Cooperative:
    coop = plan_cooperative(seed, managers, customers, GRADES, THRESHOLD)
    activity.plan_profits(coop)
    return coop


def _fingerprint(coop: Cooperative) -> list[tuple[object, ...]]:
    return [
        (c.name, c.kind, c.branch, c.importance, c.primary, tuple(c.co), c.team, c.profit_fen, c.neglected)
        for c in coop.customers
    ]


def test_the_same_seed_plans_the_same_year_and_another_seed_another():
    assert _fingerprint(_plan()) == _fingerprint(_plan())
    assert _fingerprint(_plan()) != _fingerprint(_plan(seed=12))
    today = date(2026, 11, 28)
    coop = _plan()
    assert [activity.visits(c, 2025, today, coop.seed) for c in coop.customers] == [
        activity.visits(c, 2025, today, coop.seed) for c in _plan().customers
    ]


@pytest.mark.parametrize(("managers", "customers"), [(8, 40), (40, 2000)])
def test_R_C1_R_C3_R_Q5_every_planned_team_is_one_customer_service_accepts(managers, customers):
    coop = _plan(managers=managers, customers=customers)
    grades = {g.code: GradeView(g.code, g.may_lead_teams, g.classes) for g in GRADES.values()}

    def view(key: str) -> ManagerView:
        return ManagerView(key, "org", "active", date(2099, 1, 1), coop.managers[key].grade.code)

    for c in coop.customers:
        broken = violations(
            c.classification, view(c.primary), [view(k) for k in c.co], grades, THRESHOLD, on=ON
        )
        assert broken == [], c.name
    assert any(c.shares and len(c.co) == 1 for c in coop.customers)  # R-A4 shares
    assert any(c.pooled for c in coop.customers)  # R-A4 team pool
    departing = coop.by_story("departing").key
    assert all(departing not in c.co and not c.pooled for c in coop.customers if c.primary == departing)


def test_R_Q8_the_plan_gives_the_rising_cms_the_profit_of_the_grade_above_and_the_others_their_own():
    coop = _plan()
    expected = activity.expected_profit(coop)
    for m in coop.managers.values():
        profit = Decimal(expected[m.key]) / 100
        if m.story == "rising":
            above = GRADES[TOP if m.tier == MIDDLE else MIDDLE]
            assert profit >= above.reach_profit, m.key
        elif m.story != "departing":
            assert profit >= m.grade.keep_profit, m.key
    riser = next(m for m in coop.of_tier(LOW) if m.story == "rising")
    assert "medium" not in riser.grade.classes  # so a medium customer is refused to them until promoted


def test_postings_add_up_to_the_customers_profit_and_overspenders_go_over_budget():
    coop = _plan()
    for c in coop.customers:
        assert sum(p.amount for p in activity.postings(c, 2025, coop.seed)) == Decimal(c.profit_fen) / 100
    for index, m in enumerate(coop.managers.values()):
        spent: dict[str, Decimal] = {}
        for e in activity.expenses(m, index, 2025, coop.seed):
            spent[e.category] = spent.get(e.category, Decimal(0)) + e.amount
        over = sum(spent.values()) > sum(m.grade.budget.values())  # R-P2: the yearly total
        assert over == activity.overspends(m, index), m.key


def test_R_Q5_the_demo_recommends_only_products_the_authors_grade_may_market():
    assert [GRADES[t].credit_product() for t in (TOP, MIDDLE, LOW)] == ["loans", "loans", "cards"]
    for tier in (TOP, MIDDLE, LOW):
        assert GRADES[tier].credit_product() in GRADES[tier].products
