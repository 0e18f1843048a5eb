"""The default grade ladder (R-Q3) as other services see it before a cooperative publishes its own."""

from shared.contracts.staffing import LadderGrade

_ALL = (
    "abnormal",
    "basic",
    "complex_needs",
    "core",
    "investment",
    "large",
    "major_value",
    "medium",
    "new_product",
    "risk_business",
    "small",
)


def _grade(code: str, name: str, rank: int, lead: bool, classes: tuple[str, ...], limit: str) -> LadderGrade:
    return LadderGrade.model_validate(
        {
            "code": code,
            "name": name,
            "rank": rank,
            "level": 1,
            "may_lead_teams": lead,
            "customer_classes": classes,
            "products": (),
            "expense_budget": {},
            "fixed_pay": "0",
            "floating_rate": "0",
            "authorization_limit": limit,
            "keep_min_score": "0",
            "keep_min_profit": "0",
            "reach_min_score": "0",
            "reach_min_profit": "0",
        }
    )


DEFAULT_LADDER_GRADES: tuple[LadderGrade, ...] = (
    _grade("senior", "Senior customer manager", 1, True, _ALL, "5000000"),
    _grade(
        "cm",
        "Customer manager",
        2,
        False,
        ("basic", "large", "medium", "new_product", "risk_business", "small"),
        "1000000",
    ),
    _grade("trainee", "Trainee customer manager", 3, False, ("basic", "small"), "200000"),
)
