"""Customer value (R-C7) from balances and profit, and the 80/20 view (R-M6), as the caller may see them."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from services.customer.domain import value as rules
from services.customer.domain.assignment import GradeView, served_by_senior
from services.customer.domain.classification import Importance
from services.customer.models import CustomerRow, ProfitRow
from services.customer.queries.files import current, visible_customer, visible_ids
from services.customer.queries.managers import grades_on, manager_view
from services.customer.schemas.value import ValueRead
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

ZERO = Decimal("0")


async def _profits(uow: UnitOfWork, org_id: str, since: str, until: str) -> dict[str, Decimal]:
    rows = await uow.session.execute(
        select(ProfitRow.customer_id, func.sum(ProfitRow.amount))
        .where(ProfitRow.org_id == org_id, ProfitRow.period >= since, ProfitRow.period < until)
        .group_by(ProfitRow.customer_id)
    )
    return {cid: Decimal(total or 0) for cid, total in rows.all()}


async def _has_senior(
    uow: UnitOfWork, row: CustomerRow, grades: Mapping[str, GradeView], today: date
) -> bool:
    team = [await manager_view(uow, a.manager_id) for a in current(row)]
    return served_by_senior(team, grades, today)


async def value_review(uow: UnitOfWork, caller: Principal) -> list[ValueRead]:
    """R-C7/R-M6: every visible customer ranked by value; the top fifth and whether seniors serve it."""
    today = utcnow().date()
    this, last, prior = rules.review_window(today)
    async with uow:
        grades = await grades_on(uow, caller.org_id, today)
        last_12 = await _profits(uow, caller.org_id, last, this)
        prior_12 = await _profits(uow, caller.org_id, prior, last)
        # Rank over the whole cooperative, then show the caller only what they may see.
        rows = {
            r.id: r
            for r in await uow.session.scalars(select(CustomerRow).where(CustomerRow.org_id == caller.org_id))
        }
        shown = set(await uow.session.scalars(visible_ids(caller)))
        ranked = rules.rank(
            (
                row.id,
                row.file_no,
                rules.ValueInputs(
                    row.deposit_balance or ZERO,
                    row.loan_balance or ZERO,
                    last_12.get(row.id, ZERO),
                    prior_12.get(row.id, ZERO),
                ),
            )
            for row in rows.values()
        )
        return [
            ValueRead(
                customer_id=r.customer_id,
                name=rows[r.customer_id].name,
                value=r.value,
                deposit=r.inputs.deposit,
                loan=r.inputs.loan,
                profit_last_12m=r.inputs.profit_last_12m,
                profit_prior_12m=r.inputs.profit_prior_12m,
                importance=Importance(rows[r.customer_id].importance),
                suggested_importance=r.suggested,
                top_fifth=r.top_fifth,
                served_by_senior=await _has_senior(uow, rows[r.customer_id], grades, today),
            )
            for r in ranked
            if r.customer_id in shown
        ]


async def customer_value(uow: UnitOfWork, customer_id: str, caller: Principal) -> ValueRead:
    """R-C7: one customer's value within the caller's view of the roster."""
    async with uow:
        await visible_customer(uow, customer_id, caller)
    for item in await value_review(uow, caller):
        if item.customer_id == customer_id:
            return item
    raise AssertionError("a visible customer is always in the review")
