"""The ladder as a version row stores it: each grade as JSON, money as strings."""

from decimal import Decimal
from typing import Any

from services.staffing.domain.ladder import (
    AppraisalStandard,
    CertificationWeights,
    ExpenseCategory,
    GradeSpec,
    Ladder,
)
from services.staffing.models import LadderVersionRow


def grade_to_json(g: GradeSpec) -> dict[str, Any]:
    """A grade as stored in a ladder version (money as strings)."""
    return {
        "code": g.code,
        "name": g.name,
        "rank": g.rank,
        "level": g.level,
        "may_lead_teams": g.may_lead_teams,
        "customer_classes": sorted(g.customer_classes),
        "products": sorted(g.products),
        "expense_budget": {c.value: str(v) for c, v in g.expense_budget.items()},
        "fixed_pay": str(g.fixed_pay),
        "floating_rate": str(g.floating_rate),
        "authorization_limit": str(g.authorization_limit),
        "pass_mark": str(g.pass_mark),
        "weights": {
            "performance": str(g.weights.performance),
            "ability": str(g.weights.ability),
            "exam": str(g.weights.exam),
        },
        "keep_standard": {
            "min_score": str(g.keep_standard.min_score),
            "min_profit": str(g.keep_standard.min_profit),
        },
        "reach_standard": {
            "min_score": str(g.reach_standard.min_score),
            "min_profit": str(g.reach_standard.min_profit),
        },
    }


def grade_from_json(d: dict[str, Any]) -> GradeSpec:
    """A stored grade back as the domain's GradeSpec."""
    return GradeSpec(
        code=d["code"],
        name=d["name"],
        rank=d["rank"],
        level=d["level"],
        may_lead_teams=d["may_lead_teams"],
        customer_classes=frozenset(d["customer_classes"]),
        products=frozenset(d["products"]),
        expense_budget={ExpenseCategory(c): Decimal(v) for c, v in d["expense_budget"].items()},
        fixed_pay=Decimal(d["fixed_pay"]),
        floating_rate=Decimal(d["floating_rate"]),
        authorization_limit=Decimal(d["authorization_limit"]),
        pass_mark=Decimal(d["pass_mark"]),
        weights=CertificationWeights(*(Decimal(d["weights"][k]) for k in ("performance", "ability", "exam"))),
        keep_standard=AppraisalStandard(
            Decimal(d["keep_standard"]["min_score"]), Decimal(d["keep_standard"]["min_profit"])
        ),
        reach_standard=AppraisalStandard(
            Decimal(d["reach_standard"]["min_score"]), Decimal(d["reach_standard"]["min_profit"])
        ),
    )


def ladder_from_row(row: LadderVersionRow) -> Ladder:
    """A stored ladder version as the domain's Ladder."""
    return Ladder(row.version, row.effective_from, tuple(grade_from_json(g) for g in row.grades))
