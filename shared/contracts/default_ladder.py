"""The default grade ladder (R-Q3) as other services see it before a cooperative publishes its own.

It mirrors staffing's DEFAULT_LADDER (a unit test keeps the two equal).
"""

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


def _grade(
    code: str,
    name: str,
    rank: int,
    lead: bool,
    classes: tuple[str, ...],
    limit: str,
    pay: tuple[str, str],
    keep: tuple[str, str],
    reach: tuple[str, str],
) -> LadderGrade:
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
            "fixed_pay": pay[0],
            "floating_rate": pay[1],
            "authorization_limit": limit,
            "keep_min_score": keep[0],
            "keep_min_profit": keep[1],
            "reach_min_score": reach[0],
            "reach_min_profit": reach[1],
        }
    )


DEFAULT_LADDER_GRADES: tuple[LadderGrade, ...] = (
    _grade(
        "senior",
        "Senior customer manager",
        1,
        True,
        _ALL,
        "5000000",
        ("12000", "0.0300"),
        ("80", "2000000"),
        ("85", "2500000"),
    ),
    _grade(
        "cm",
        "Customer manager",
        2,
        False,
        ("basic", "large", "medium", "new_product", "risk_business", "small"),
        "1000000",
        ("8000", "0.0250"),
        ("70", "800000"),
        ("75", "1000000"),
    ),
    _grade(
        "trainee",
        "Trainee customer manager",
        3,
        False,
        ("basic", "small"),
        "200000",
        ("5000", "0.0150"),
        ("60", "100000"),
        ("60", "0"),
    ),
)
