"""Customer kinds and classification (R-C1, R-C3, R-C4): what a customer is decides who must serve it."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from shared.errors import Forbidden

CONTROL_ROLES = ("auditor", "product", "supervisor", "admin")
"""R-C3: who speaks for audit, the product departments and internal control (the supervising department)."""


class CustomerKind(StrEnum):
    """Customer kinds of the source text."""

    CORPORATE = "corporate"
    INSTITUTIONAL = "institutional"
    INDIVIDUAL = "individual"
    FARM_HOUSEHOLD = "farm_household"


class Size(StrEnum):
    """Customer size (R-C3)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"


class Abnormality(StrEnum):
    """R-C1/R-C3: abnormal customers, occurred or predicted."""

    NONE = "none"
    PREDICTED = "predicted"
    OCCURRED = "occurred"


class Importance(StrEnum):
    """Importance level of the roster (R-C4), driving visit frequency (R-M4)."""

    CORE = "core"
    IMPORTANT = "important"
    ORDINARY = "ordinary"


@dataclass(frozen=True)
class Classification:
    """Everything R-C1 and R-C3 look at."""

    size: Size | None = None
    core: bool = False
    major_value: bool = False
    complex_needs: bool = False
    investment_needs: bool = False
    first_development: bool = False
    risk_business: bool = False
    risk_amount: Decimal = Decimal("0")
    abnormal: Abnormality = Abnormality.NONE
    potential_risk: bool = False
    new_product_user: bool = False
    control_requested: bool = False


def needs_two_managers(c: Classification) -> list[str]:
    """R-C3: why this customer needs two or more CMs with a named primary (empty: it does not)."""
    reasons = []
    if c.size in (Size.LARGE, Size.MEDIUM):
        reasons.append(f"{c.size.value} customer")
    if c.core:
        reasons.append("core customer")
    if c.major_value:
        reasons.append("of major value")
    if c.risk_business:
        reasons.append("has risk business")
    if c.abnormal is not Abnormality.NONE:
        reasons.append(f"abnormal ({c.abnormal.value})")
    if c.potential_risk:
        reasons.append("potential risk")
    if c.new_product_user:
        reasons.append("uses a new product")
    if c.control_requested:
        reasons.append("requested by a product department or internal control")
    return reasons


def needs_senior(c: Classification, risk_threshold: Decimal) -> list[str]:
    """R-C1: why a senior CM must serve this customer (empty: no senior needed)."""
    reasons = []
    if c.core and c.major_value:
        reasons.append("core customer of major value")
    if c.complex_needs:
        reasons.append("complex (advisory) needs")
    if c.investment_needs:
        reasons.append("investment or capital-operation needs")
    if c.first_development and (c.size is Size.LARGE or c.new_product_user):
        reasons.append("first development of a large customer or a new product")
    if c.risk_business and c.risk_amount > risk_threshold:
        reasons.append(f"risk business above {risk_threshold}")
    if c.abnormal is not Abnormality.NONE:
        reasons.append("abnormal customer (crisis management)")
    return reasons


def customer_classes(c: Classification) -> frozenset[str]:
    """R-Q5: the ladder's customer classes this customer falls in."""
    classes = {"basic"}
    if c.size is not None:
        classes.add(c.size.value)
    flags = {
        "core": c.core,
        "major_value": c.major_value,
        "complex_needs": c.complex_needs,
        "investment": c.investment_needs,
        "new_product": c.new_product_user,
        "risk_business": c.risk_business,
        "abnormal": c.abnormal is not Abnormality.NONE,
    }
    classes |= {name for name, on in flags.items() if on}
    return frozenset(classes)


def check_control_request(before: bool, after: bool, is_control_role: bool) -> None:
    """R-C3: only the control roles (audit, product, internal control, supervisor) set or clear it."""
    if before != after and not is_control_role:
        raise Forbidden("customer.classification.control_request_roles")
