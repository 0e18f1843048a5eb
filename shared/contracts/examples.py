"""Hand-written example payloads, for the event types whose generated example would say too little.

Every other event type gets an example generated from its schema (`shared.contracts.schema`); a test
checks that each example, written or generated, is a valid message of its contract.
"""

from typing import Any

from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES

CUSTOMER = "c-3f9a1c2b7d10"
MANAGER = "m-5b2e8c1a9f33"
CO_MANAGER = "m-0a7d4e6c2b18"
RECOMMENDATION = "cr-8d41a7e2c905"
EXTERNAL = "6210330012345678"  # core banking's customer number

PAYLOADS: dict[str, dict[str, Any]] = {
    "office.changed": {
        "office_id": "o-4c1d9e7a2b60",
        "code": "CG0102",
        "name": "城关信用社东街网点",
        "parent_id": "o-9a3f0b6e1c27",
        "effective_from": "2026-03-01",
    },
    "office.staff-assigned": {"user_id": "sup-chengguan", "office_id": "o-9a3f0b6e1c27", "scope": "default"},
    "staff.login-linked": {"login": "zhang.san", "manager_id": MANAGER},
    "appraisal.evaluation-reminded": {
        "cycle_id": "cy-0b33b0b13325",
        "year": 2025,
        "manager_id": MANAGER,
        "source": "supervisor",
        "evaluator": "sup-chengguan",
        "deadline": "2026-01-31",
        "reminded_by": "sup-chengguan",
    },
    "balance.reported": {
        "external_id": EXTERNAL,
        "deposit": "152340.50",
        "loan": "480000.00",
        "overdue": "0.00",
        "as_of": "2026-01-31T23:59:59Z",
    },
    "profit.posted": {
        "posting_id": "GL-2026-01-000481",
        "external_id": EXTERNAL,
        "period": "2026-01",
        "product": "working_capital_loan",
        "amount": "1820.35",
        "posted_on": "2026-01-31",
    },
    "customer.compliance-changed": {
        "customer_id": CUSTOMER,
        "compliant": False,
        "issues": ["R-C3: needs two or more CMs with a named primary (core customer)"],
        "violations": [
            {
                "rule_id": "R-C3",
                "message_key": "customer.compliance.two_managers",
                "params": {"why": "core customer"},
            }
        ],
    },
    "customer.rated": {
        "customer_id": CUSTOMER,
        "rating": "C",
        "warning_flags": ["overdue-interest", "collateral-devalued"],
    },
    "credit-decision.made": {
        "recommendation_id": RECOMMENDATION,
        "decision": "approved",
        "approved_amount": "450000.00",
        "credit_line": "500000.00",
        "reason": "within risk appetite; collateral adequate",
        "questions": [],
    },
    "credit-recommendation.submitted": {
        "recommendation_id": RECOMMENDATION,
        "customer_id": CUSTOMER,
        "author": MANAGER,
        "cosigned_by": None,
        "product": "working_capital_loan",
        "amount": "500000.00",
        "term_months": 12,
        "purpose": "fertiliser and seed for the spring season",
        "rationale": "ten years of repayments on time; orders from two mills",
        "report_ids": ["r-1c0e9b7a4d22"],
    },
    "credit-recommendation.answered": {
        "recommendation_id": RECOMMENDATION,
        "question_id": 1,
        "answer": "audited accounts for 2025 attached to the customer file",
    },
    "appraisal.grade-proposed": {
        "manager_id": MANAGER,
        "year": 2025,
        "kind": "promote",
        "reason": "profit and non-profit scores above the senior grade's reach thresholds",
    },
    "manager.registered": {
        "manager_id": MANAGER,
        "employee_no": "E0042",
        "name": "李伟",
        "grade": "cm",
        "branch": "north",
        "status": "active",
        "certified_until": "2027-06-30",
    },
    "customer.registered": {
        "customer_id": CUSTOMER,
        "file_no": "F-000123",
        "name": "绿野家庭农场",
        "kind": "farm_household",
        "primary_manager_id": MANAGER,
        "co_manager_ids": [CO_MANAGER],
        "importance": "ordinary",
        "branch": "north",
    },
    "customer.assignment-changed": {
        "customer_id": CUSTOMER,
        "primary_manager_id": MANAGER,
        "co_manager_ids": [CO_MANAGER],
        "team_id": None,
        "attribution_mode": "shares",
        "shares": {MANAGER: "60", CO_MANAGER: "40"},
        "effective_from": "2026-01-05T00:00:00Z",
        "reason": "co-manager added for the cold-store project",
    },
    "manager.portfolio-published": {
        "manager_id": MANAGER,
        "departure_event_id": "5d0f3a52-8c1e-4b6a-9f27-1e8d4c3b2a10",
        "as_of": "2026-03-02T09:30:00+08:00",
        "customers": [
            {"customer_id": CUSTOMER, "name": "绿野家庭农场", "kind": "farm_household", "role": "primary"},
            {
                "customer_id": "c-77e0b4d2a1c9",
                "name": "青山茶叶合作社",
                "kind": "institutional",
                "role": "co",
            },
        ],
    },
    "expense.year-closed": {
        "manager_id": MANAGER,
        "year": 2025,
        "grade": "cm",
        "budget": {
            "communication": "2400.00",
            "entertainment": "6000.00",
            "activities": "3000.00",
            "gifts": "1500.00",
        },
        "spent": {
            "communication": "2100.00",
            "entertainment": "6350.00",
            "activities": "1800.00",
            "gifts": "900.00",
        },
        "overspend": "350.00",
    },
    "ladder.published": {
        "version": 1,
        "effective_from": "2026-01-01",
        "grades": [grade.model_dump(mode="json") for grade in DEFAULT_LADDER_GRADES],
    },
    "audit.settings-changed": {
        "effective_from": "2026-03-01T00:00:00+00:00",
        "visit_interval_core_days": 20,
        "visit_interval_important_days": 45,
        "visit_interval_ordinary_days": 90,
        "visit_tolerance_days": 3,
        "dissatisfaction_visit_days": 7,
        "satisfaction_window": 3,
        "satisfaction_threshold": "3.00",
        "report_delay_hours": 24,
        "rating_warnings": ["C", "D", "E", "watch", "substandard", "doubtful", "loss"],
    },
    "customer.classified": {
        "customer_id": CUSTOMER,
        "importance": "important",
        "classification": {"size": "large", "core": False, "risk_business": True},
    },
}

# Keys other than the first id field the topic names (see TopicSpec.key): a payload field, or literal.
KEY_FIELDS: dict[str, str] = {"team.changed": "team_id"}
KEYS: dict[str, str] = {
    "ladder.published": "ladder:rcc-demo",
    "audit.settings-changed": "rcc-demo",
    "credit-decision.made": CUSTOMER,
    "credit-recommendation.answered": CUSTOMER,
}

# Values of fields, by name, for generated examples (a test checks each example against its contract).
HINTS: dict[str, Any] = {
    "rule_id": "R-I1",
    "grade": "cm",
    "from_grade": "trainee",
    "to_grade": "cm",
    "branch": "north",
    "status": "active",
    "category": "entertainment",
    "rolling_average": "2.67",
    "threshold": "3.00",
    "kind": "risk_analysis",
    "lead_id": MANAGER,
    "member_id": CO_MANAGER,
    "score": "86.50",
    "floating_rate": "0.025",
    "attributed_profit": "1250000.00",
    "floating_pay": "31250.00",
    "fixed_pay": "60000.00",
    "overspend": "350.00",
    "net_pay": "90900.00",
    "carried_loss": "0.00",
    "correction_reason": "补录2025年12月漏记的贷款利息收入",
    "reason": "调往县联社信贷部",
    "description": "2025年贷款调查报告缺少抵押物评估",
    "remediation": "已补充抵押物评估报告并归档",
    "amount_at_risk": "150000.00",
    "amount": "386.00",
    "budget": "6000.00",
    "spent": "6386.00",
    "title": "绿野家庭农场风险分析报告",
    "routed_to": ["risk", "management"],
    "issues": ["R-C3: a core customer needs two CMs with a named primary"],
    "name": "城关核心客户小组",
    "role": "primary",
    "overspend_by_category": {"entertainment": "350.00"},
    "spent_by_category": {"communication": "2100.00", "entertainment": "6350.00"},
}
