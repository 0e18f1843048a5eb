"""The default grade ladder (R-Q3): the one definition of its values, for staffing's domain and for the
event contract other services read before a cooperative publishes its own ladder (issue 19: duplicates
folded). Plain values only, so that a domain module may import it."""

from dataclasses import asdict, dataclass
from typing import Any

ALL_CUSTOMER_CLASSES = (
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


@dataclass(frozen=True)
class DefaultGrade:
    """One rung of the default ladder; amounts and rates as decimal strings."""

    code: str
    name: str
    rank: int
    may_lead_teams: bool
    customer_classes: tuple[str, ...]
    products: tuple[str, ...]
    expense_budget: dict[str, str]  # communication, entertainment, activities, gifts (R-P2)
    fixed_pay: str
    floating_rate: str
    authorization_limit: str
    certification_min_score: str  # R-Q6: the weighted score that certifies for the grade
    weights: tuple[str, str, str]  # R-Q6: performance, ability, exam
    keep_min_score: str  # R-Q8: the standard to keep the grade
    keep_min_profit: str
    reach_min_score: str  # R-Q8: the standard to reach the grade above
    reach_min_profit: str
    level: int = 1

    def values(self) -> dict[str, Any]:
        """The grade as a plain mapping (a `LadderGrade` of the contract ignores the staffing-only keys)."""
        return asdict(self)


def _budget(communication: str, entertainment: str, activities: str, gifts: str) -> dict[str, str]:
    return {
        "communication": communication,
        "entertainment": entertainment,
        "activities": activities,
        "gifts": gifts,
    }


DEFAULT_GRADES: tuple[DefaultGrade, ...] = (
    DefaultGrade(
        code="senior",
        name="Senior customer manager",
        rank=1,
        may_lead_teams=True,
        customer_classes=ALL_CUSTOMER_CLASSES,
        products=("cards", "deposits", "investment_advisory", "loans", "payment_agency", "wealth"),
        expense_budget=_budget("6000", "20000", "15000", "8000"),
        fixed_pay="12000",
        floating_rate="0.0300",
        authorization_limit="5000000",
        certification_min_score="80",
        weights=("0.5", "0.3", "0.2"),
        keep_min_score="80",
        keep_min_profit="2000000",
        reach_min_score="85",
        reach_min_profit="2500000",
    ),
    DefaultGrade(
        code="cm",
        name="Customer manager",
        rank=2,
        may_lead_teams=False,
        customer_classes=("basic", "large", "medium", "new_product", "risk_business", "small"),
        products=("cards", "deposits", "loans", "payment_agency"),
        expense_budget=_budget("3600", "10000", "8000", "4000"),
        fixed_pay="8000",
        floating_rate="0.0250",
        authorization_limit="1000000",
        certification_min_score="70",
        weights=("0.4", "0.3", "0.3"),
        keep_min_score="70",
        keep_min_profit="800000",
        reach_min_score="75",
        reach_min_profit="1000000",
    ),
    DefaultGrade(
        code="trainee",
        name="Trainee customer manager",
        rank=3,
        may_lead_teams=False,
        customer_classes=("basic", "small"),
        products=("cards", "deposits"),
        expense_budget=_budget("1200", "3000", "2000", "1000"),
        fixed_pay="5000",
        floating_rate="0.0150",
        authorization_limit="200000",
        certification_min_score="60",
        weights=("0.2", "0.3", "0.5"),
        keep_min_score="60",
        keep_min_profit="100000",
        reach_min_score="60",
        reach_min_profit="0",
    ),
)
