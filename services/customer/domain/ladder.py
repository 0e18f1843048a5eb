"""The ladder as customer service applies it (R-Q3, R-Q5): the version in force, its grades, a CM's limits.

Before a cooperative publishes its own ladder, the default ladder (`shared.default_ladder`) applies.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from services.customer.domain.assignment import GradeView
from services.customer.domain.credit import Author
from shared.default_ladder import DEFAULT_GRADES
from shared.rules import in_force

DEFAULT_VIEWS = {
    g.code: GradeView(g.code, g.may_lead_teams, frozenset(g.customer_classes)) for g in DEFAULT_GRADES
}


def version_to_hold(versions: Iterable[tuple[int, date]], on: date, held: int | None) -> int | None:
    """R-Q3: the version in force on the day, when the projection holds an older one (or none); else None.

    A version published for a later date changes nothing before it; a newer one held already stays.
    """
    chosen = in_force(versions, on)
    if chosen is None or (held is not None and held >= chosen):
        return None
    return chosen


def grades_in_force(projected: Iterable[GradeView]) -> dict[str, GradeView]:
    """R-Q5: the cooperative's grades in force, or the default ladder's before it published one."""
    known = {g.code: g for g in projected}
    return known or dict(DEFAULT_VIEWS)


def author_of(grade: str, projected: tuple[Decimal, Iterable[str] | None] | None) -> Author:
    """R-I1/R-Q5: a CM's authorization limit and products: their grade's in force (finding 1), else the
    default ladder's for that grade (before a ladder is published, or a grade it lacks), else none."""
    if projected is not None:
        limit, products = projected
        return Author(grade, limit, frozenset(products or ()))
    default = next((g for g in DEFAULT_GRADES if g.code == grade), None)
    if default is None:
        return Author(grade, Decimal("0"), frozenset())
    return Author(grade, Decimal(default.authorization_limit), frozenset(default.products))
