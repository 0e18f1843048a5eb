"""R-A2/R-A4: the year's profit per CM and per team pool, summed by the database over assignment history."""

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    text,
    union_all,
)

from services.appraisal.domain.sheet import Attribution, gather
from services.appraisal.models import AssignmentPeriodRow, PostingRow, PostingTotalRow
from shared.uow import UnitOfWork


def _fen(column: Any) -> Any:
    return cast(func.sum(column), BigInteger)


def year_sums(org_id: str, year: int) -> Select[Any]:
    """One statement: profit per sole CM, per team pool, per shared period, and the held total.

    Most customers have one assignment period: their year's total was summed at ingestion
    (`posting_totals`, one row per customer) and the period is attached to it; only customers
    reassigned at some point pay for the date-range join over their postings. The sums are then
    grouped by the period's sole CM or pooling team where it has one, so Python only splits shared
    periods, to the fen, by the largest-remainder method.
    """
    ap = AssignmentPeriodRow
    of_year = (PostingRow.org_id == org_id, PostingRow.year == year)
    reassigned = (
        select(ap.customer_id).where(ap.org_id == org_id).group_by(ap.customer_id).having(func.count() > 1)
    )
    sums = PostingTotalRow.__table__.c
    per_customer = (
        select(sums.customer_id, cast(sums.total, BigInteger).label("total"))
        .where(sums.org_id == org_id, sums.year == year, sums.customer_id.not_in(reassigned))
        .subquery()
    )
    in_force = and_(
        ap.customer_id == PostingRow.customer_id,
        PostingRow.posted_on >= ap.covers_from,
        or_(ap.valid_to.is_(None), PostingRow.posted_on < ap.valid_to),
    )
    totals = union_all(
        select(ap.id.label("period_id"), per_customer.c.total)
        .select_from(per_customer)
        .outerjoin(ap, ap.customer_id == per_customer.c.customer_id),
        select(ap.id.label("period_id"), _fen(PostingRow.amount).label("total"))
        .select_from(PostingRow)
        .join(ap, in_force)
        .where(*of_year, PostingRow.customer_id.in_(reassigned))
        .group_by(ap.id),
    ).subquery("totals")

    pooled = and_(ap.sole_manager_id.is_(None), ap.mode == "team_pool")
    split = and_(ap.sole_manager_id.is_(None), ap.mode != "team_pool")

    def when_split(column: Any) -> Any:
        return case((split, column))

    keys = (
        ap.sole_manager_id,
        case((pooled, ap.team_id)),
        when_split(ap.id),
        when_split(ap.primary_manager_id),
        when_split(ap.mode),
        when_split(cast(ap.shares, Text)),
    )
    return (
        select(*keys, _fen(totals.c.total))
        .select_from(totals)
        .outerjoin(ap, ap.id == totals.c.period_id)
        .group_by(*keys)
    )


async def attribute_year(uow: UnitOfWork, org_id: str, year: int) -> Attribution:
    """R-A2/R-A4: the database sums the year's postings; shares and pools are split to the fen here."""
    if uow.session.get_bind().dialect.name == "postgresql":
        # Compiling this statement just in time costs more than it saves on a yearly aggregation.
        await uow.session.execute(text("SET LOCAL jit = off"))
    rows = await uow.session.execute(year_sums(org_id, year))
    return gather(
        (sole, pool, period, primary, mode, _shares(shares), fen)
        for sole, pool, period, primary, mode, shares, fen in rows
    )


def _shares(shares: str | None) -> dict[str, Decimal] | None:
    """A shared period's shares as the database keeps them (JSON text)."""
    return None if shares is None else {m: Decimal(v) for m, v in json.loads(shares).items()}
