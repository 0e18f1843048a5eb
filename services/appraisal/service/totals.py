"""R-A2: postings summed per customer and year at ingestion; the yearly computation reads one row each."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from services.appraisal.models import PostingRow, PostingTotalRow
from shared.uow import UnitOfWork

TOTALS = cast(Table, PostingTotalRow.__table__)

Key = tuple[str, int, str]  # cooperative, year, customer


async def add(uow: UnitOfWork, amounts: Mapping[Key, Decimal]) -> None:
    """Add newly booked postings' amounts to their customers' year totals (one upsert, keys in order)."""
    if not amounts:
        return
    dialect = uow.session.get_bind().dialect.name
    upsert: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(TOTALS)
    statement = upsert.on_conflict_do_update(
        index_elements=[TOTALS.c.org_id, TOTALS.c.year, TOTALS.c.customer_id],
        set_={"total": TOTALS.c.total + upsert.excluded.total},
    )
    rows = [
        {"org_id": org, "year": year, "customer_id": customer, "total": amounts[(org, year, customer)]}
        for org, year, customer in sorted(amounts)
    ]
    await uow.session.execute(statement, rows)


async def refresh(uow: UnitOfWork, org_id: str, customer_ids: Iterable[str]) -> None:
    """Recompute the totals of some customers from their postings (after held postings were renamed)."""
    ids = sorted(set(customer_ids))
    await uow.session.execute(delete(TOTALS).where(TOTALS.c.org_id == org_id, TOTALS.c.customer_id.in_(ids)))
    p = PostingRow
    await uow.session.execute(
        insert(TOTALS).from_select(
            ["org_id", "year", "customer_id", "total"],
            select(p.org_id, p.year, p.customer_id, func.sum(p.__table__.c.amount))
            .where(p.org_id == org_id, p.customer_id.in_(ids))
            .group_by(p.org_id, p.year, p.customer_id),
        )
    )
