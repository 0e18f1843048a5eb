"""A fake backend with Workbench II's answers (HR, auditor, management, appraisal) for in-process tests."""

import pytest

from tests.unit.console_fakes import CM_ID, Fake

T = "2026-03-01T02:00:00Z"
MANAGER = {
    "id": CM_ID,
    "org_id": "rcc-demo",
    "employee_no": "B001",
    "name": "李伟",
    "grade": "cm",
    "branch": "城北",
    "status": "departure_pending",
    "certified": True,
    "certified_until": "2027-01-01",
    "hire_date": "2019-01-01",
    "years_of_service": 7,
    "education": "college",
    "departure_reason": "调离",
    "intended_last_day": None,
    "departure_requested_at": T,
    "departed_at": None,
    "departure_audit_id": "a-1",
    "created_at": T,
}
ITEM = {
    "id": 7,
    "customer_id": "c-1",
    "customer_name": "陈家农场",
    "customer_kind": "farm_household",
    "source": "customer",
    "status": "finding",
    "note": None,
    "reviewed_by": None,
    "reviewed_at": None,
}
AUDIT = {
    "id": "a-1",
    "org_id": "rcc-demo",
    "manager_id": CM_ID,
    "status": "in_progress",
    "portfolio_received": True,
    "requested_at": T,
    "opened_at": T,
    "cleared_at": None,
    "items_done": 0,
    "items_total": 1,
    "items": [ITEM],
}
FINDING = {
    "id": "f-1",
    "rule_id": "R-I6",
    "manager_id": CM_ID,
    "customer_id": "c-1",
    "audit_item_id": 7,
    "severity": "high",
    "description": "贷款档案缺页",
    "amount_at_risk": "150000.00",
    "evidence": ["journal#12"],
    "status": "open",
    "raised_by": "aud-1",
    "raised_at": T,
    "remediation": None,
    "resolved_by": None,
    "resolved_at": None,
}
CHECK = {
    "id": "s-1",
    "kind": "random",
    "population": "customers",
    "strata": "manager",
    "seed": 42,
    "sample_size": 1,
    "population_size": 5,
    "created_by": "aud-1",
    "created_at": T,
    "items": [
        {
            "id": 1,
            "subject_id": "c-1",
            "status": "pending",
            "note": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }
    ],
}
FAILED = ["R-Q1 service: 1 years of RCC service, at least 3 required", "R-Q1 health: no health attestation"]


@pytest.fixture
def hr_fake() -> Fake:
    fake = Fake()
    fake.on("GET", "/managers", body=[MANAGER], headers={"X-Total-Count": "1"})
    fake.on("GET", f"/managers/{CM_ID}", body=MANAGER)
    fake.on(
        "GET",
        f"/managers/{CM_ID}/grade-history",
        body=[
            {
                "from_grade": None,
                "to_grade": "cm",
                "reason": "入职",
                "proposal_id": None,
                "changed_by": "hr-1",
                "changed_at": T,
            }
        ],
    )
    fake.on(
        "GET",
        f"/managers/{CM_ID}/certifications",
        body=[
            {
                "id": "x-1",
                "manager_id": CM_ID,
                "grade": "cm",
                "ladder_version": 1,
                "exam_date": "2026-01-05",
                "performance": "80",
                "ability": "70",
                "exam": "90",
                "score": "80.00",
                "pass_mark": "60",
                "passed": True,
                "valid_until": "2028-01-05",
                "recorded_by": "hr-1",
                "recorded_at": T,
            }
        ],
    )
    fake.on(
        "GET",
        "/teams",
        body=[
            {
                "id": "t-1",
                "name": "一组",
                "lead_id": "m-s",
                "member_ids": [CM_ID],
                "created_at": T,
                "dissolved_at": None,
            }
        ],
    )
    fake.on("GET", f"/managers/{CM_ID}/expenses", body=[])
    fake.on(
        "GET",
        f"/managers/{CM_ID}/budget",
        body={
            "manager_id": CM_ID,
            "year": 2026,
            "grade": "cm",
            "categories": [
                {
                    "category": "gifts",
                    "budget": "1500.00",
                    "spent": "1600.00",
                    "remaining": "0.00",
                    "overspend": "100.00",
                }
            ],
            "overspend": "100.00",
        },
    )
    fake.on("GET", "/departure-audits", body=[AUDIT])
    fake.on("GET", "/departure-audits/a-1", body=AUDIT)
    fake.on(
        "GET",
        "/departure-audits/waiting",
        body=[
            {
                "audit_id": "a-1",
                "manager_id": CM_ID,
                "status": "in_progress",
                "waiting_hours": "5.5",
                "items_done": 0,
                "items_total": 1,
                "open_findings": 1,
            }
        ],
    )
    fake.on(
        "GET",
        "/qualification-applications",
        body=[
            {
                "id": "q-1",
                "staff_id": "s-9",
                "target_grade": "trainee",
                "status": "ineligible",
                "failed_conditions": FAILED,
                "submitted_by": "hr-1",
                "submitted_at": T,
                "reviewed_by": None,
                "reviewed_at": None,
                "review_reason": None,
            },
            {
                "id": "q-2",
                "staff_id": "s-8",
                "target_grade": "trainee",
                "status": "pending_review",
                "failed_conditions": [],
                "submitted_by": "hr-1",
                "submitted_at": T,
                "reviewed_by": None,
                "reviewed_at": None,
                "review_reason": None,
            },
        ],
    )
    fake.on(
        "GET",
        "/grade-proposals",
        body=[
            {
                "id": "p-1",
                "manager_id": CM_ID,
                "year": 2025,
                "kind": "promote",
                "from_grade": "cm",
                "to_grade": "senior",
                "reason": "考核优秀",
                "created_by": "hr-1",
                "created_at": T,
                "status": "pending",
                "decided_by": None,
                "decided_at": None,
                "decision_reason": None,
            }
        ],
    )
    fake.on("GET", "/findings", body=[FINDING])
    fake.on(
        "GET",
        "/compliance/summary",
        body=[{"branch": "城北", "manager_id": CM_ID, "rule_id": "R-M4", "open_findings": 2}],
    )
    fake.on("GET", "/spot-checks", body=[CHECK])
    fake.on("GET", "/spot-checks/s-1", body=CHECK)
    fake.on("GET", "/spot-checks/s-1/reproduction", body={"reproduced": True, "sample": ["c-1"]})
    fake.on("GET", "/journal/verification", body={"ok": False, "rows_checked": 40, "first_broken_seq": 17})
    cycle = {
        "id": "y-1",
        "year": 2025,
        "version": 1,
        "status": "finalized",
        "deadline": "2026-02-15",
        "seed": "s",
        "sample_size": 3,
        "source_weights": {},
        "criteria_weights": {},
        "loss_policy": "carry",
        "supersedes_id": None,
        "correction_reason": None,
        "opened_by": "sup-1",
        "opened_at": T,
        "computed_at": T,
        "finalized_by": "sup-1",
        "finalized_at": T,
        "ladder_version": 1,
        "unattributed_profit": "0.00",
        "participants": 2,
    }
    result = {
        "cycle_id": "y-1",
        "year": 2025,
        "cycle_version": 1,
        "final": True,
        "manager_id": CM_ID,
        "name": "李伟",
        "branch": "城北",
        "grade": "cm",
        "direct_profit": "1000000.00",
        "pool_profit": "0.00",
        "attributed_profit": "1000000.00",
        "source_scores": {},
        "score": "85.00",
        "carried_loss_in": "0.00",
        "floating_rate": "0.02",
        "floating_pay": "20000.00",
        "carried_loss_out": "0.00",
        "fixed_pay": "60000.00",
        "overspend": "100.00",
        "net_pay": "79900.00",
        "proposal": "keep",
        "proposal_reason": "达标",
        "explanation": "",
        "pay_in_kind": [],
        "floating_pay_in_cash": "20000.00",
    }
    group = {
        "managers": 1,
        "total_profit": "1000000.00",
        "mean_profit": "1000000.00",
        "median_profit": "1000000.00",
        "min_profit": "1000000.00",
        "max_profit": "1000000.00",
        "mean_score": "85.00",
        "total_floating_pay": "20000.00",
        "proposals": {"keep": 1},
    }
    fake.on("GET", "/cycles", body=[cycle])
    fake.on("GET", "/cycles/y-1", body=cycle)
    fake.on(
        "GET",
        "/cycles/y-1/missing-evaluations",
        body=[
            {
                "manager_id": CM_ID,
                "source": "supervisor",
                "evaluator": "sup-1",
                "deadline": "2026-02-15",
                "overdue": True,
            }
        ],
    )
    fake.on(
        "GET",
        "/cycles/y-1/pools",
        body=[{"team_id": "t-1", "amount": "5000.00", "allocated": False, "allocations": {}}],
    )
    fake.on(
        "GET",
        "/cycles/y-1/results",
        body=[result, {**result, "manager_id": "m-2", "floating_pay": "5000.00"}],
    )
    fake.on("GET", f"/cycles/y-1/results/{CM_ID}", body=result)
    fake.on("GET", "/me/results", body=[result])
    fake.on(
        "GET",
        "/cycles/y-1/summary",
        body={
            "cycle_id": "y-1",
            "year": 2025,
            "version": 1,
            "status": "finalized",
            "managers": 2,
            "by_grade": [{**group, "group": "cm"}],
            "by_branch": [{**group, "group": "城北"}],
            "score_bands": {},
        },
    )
    fake.on("GET", "/targets/summary", body=[{"stage": "won", "count": 1}, {"stage": "target", "count": 1}])
    grade = {
        "code": "cm",
        "name": "客户经理",
        "rank": 2,
        "level": 1,
        "may_lead_teams": False,
        "customer_classes": ["medium"],
        "products": [],
        "expense_budget": {},
        "fixed_pay": "60000.00",
        "floating_rate": "0.0250",
        "authorization_limit": "500000.00",
        "pass_mark": "70.00",
        "weights": {},
        "keep_standard": {},
        "reach_standard": {},
    }
    ladder = {
        "version": 1,
        "effective_from": "2026-01-01",
        "reason": "初始",
        "created_by": None,
        "created_at": None,
        "grades": [grade],
    }
    fake.on("GET", "/ladder", body=ladder)
    fake.on(
        "GET",
        "/compliance/settings",
        body={
            "visit_interval_core_days": 30,
            "visit_interval_important_days": 60,
            "visit_interval_ordinary_days": 90,
            "visit_tolerance_days": 7,
            "dissatisfaction_visit_days": 7,
            "rating_warnings": ["C", "D"],
        },
    )
    fake.on("GET", "/ladder/versions", body=[ladder])
    return fake
