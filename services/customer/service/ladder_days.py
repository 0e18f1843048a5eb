"""R-Q3: the day a ladder version published for a later date takes effect, its cooperative is re-checked."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, select, update

from services.customer.models import LadderVersionRow
from services.customer.service.assignment import recheck_served_by
from services.customer.service.common import bring_ladder_in_force
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _due(org_id: str | None, today: date) -> Select[LadderVersionRow]:
    query = select(LadderVersionRow).where(
        LadderVersionRow.rechecked_at.is_(None), LadderVersionRow.effective_from <= today
    )
    return query if org_id is None else query.where(LadderVersionRow.org_id == org_id)


async def mark_rechecked(uow: UnitOfWork, org_id: str, now: datetime) -> None:
    """Record that the cooperative's customers were judged under every version in force by `now`."""
    await uow.session.execute(
        update(LadderVersionRow)
        .where(
            LadderVersionRow.org_id == org_id,
            LadderVersionRow.rechecked_at.is_(None),
            LadderVersionRow.effective_from <= now.date(),
        )
        .values(rechecked_at=now)
    )


async def recheck_ladders_taking_effect(
    uow: UnitOfWork, org_id: str | None, risk_threshold: Decimal, now: datetime | None = None
) -> list[str]:
    """Bring each cooperative's newly effective ladder in force and re-evaluate its served customers (R-Q5,
    R-C1): `customer.compliance-changed` only where the verdict changed; the cooperatives re-checked."""
    now = now or utcnow()
    today = now.date()
    async with uow:
        orgs = sorted(
            set(await uow.session.scalars(_due(org_id, today).with_only_columns(LadderVersionRow.org_id)))
        )
    done: list[str] = []
    for org in orgs:
        async with uow:
            # Another replica re-checking this cooperative holds its rows: it is skipped here, not done twice.
            claimed = list(await uow.session.scalars(_due(org, today).with_for_update(skip_locked=True)))
            if not claimed:
                continue
            await bring_ladder_in_force(uow, org, today)
            await recheck_served_by(uow, org, None, risk_threshold)
            for row in claimed:
                row.rechecked_at = now
            await uow.commit()
        done.append(org)
    return done
