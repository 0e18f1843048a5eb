"""What appraisal learns from staffing, customer service and core banking, kept in its own tables."""

from collections.abc import Callable, Sequence
from decimal import Decimal

from sqlalchemy import select

from services.appraisal.domain import staff
from services.appraisal.domain.attribution import chain, sole_manager
from services.appraisal.domain.ledger import booking, posting_year, year_totals
from services.appraisal.models import (
    AssignmentPeriodRow,
    GradeSpellRow,
    LadderRow,
    ManagerRow,
    OverspendRow,
    PostingRow,
    TeamRow,
)
from services.appraisal.service import references, totals
from shared.consumer import Rejected
from shared.contracts.corebanking import ProfitPosted
from shared.contracts.customer import CustomerAssignmentChanged
from shared.contracts.expenses import ExpenseYearClosed
from shared.contracts.staffing import (
    LadderPublished,
    ManagerDeparted,
    ManagerDepartureRequested,
    ManagerDepartureWithdrawn,
    ManagerGradeChanged,
    ManagerRegistered,
    TeamChanged,
)
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def _manager(uow: UnitOfWork, envelope: Envelope, manager_id: str) -> ManagerRow:
    row = await uow.session.get(ManagerRow, manager_id)
    if row is None:
        row = ManagerRow(
            manager_id=manager_id,
            org_id=envelope.org_id,
            name="",
            branch="",
            grade=None,
            standing="on_post",
            last_event_type="",
            events_seen=0,
            updated_at=envelope.occurred_at,
        )
        uow.session.add(row)
    row.last_event_type = envelope.event_type
    row.events_seen += 1
    return row


async def when_registered_record_manager(
    uow: UnitOfWork, envelope: Envelope, event: ManagerRegistered
) -> None:
    """A CM took up the post: name, branch, grade from this moment (R-Q8 history), on the post."""
    row = await _manager(uow, envelope, event.manager_id)
    row.name, row.branch, row.grade = event.name, event.branch, event.grade
    uow.session.add(
        GradeSpellRow(manager_id=event.manager_id, grade=event.grade, valid_from=envelope.occurred_at)
    )
    row.standing, row.updated_at = staff.registered(row.standing), envelope.occurred_at


async def when_departure_requested_mark_leaving(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureRequested
) -> None:
    """A CM asked to leave: leaving until the departure is cleared (R-I6)."""
    await _stand(uow, envelope, event.manager_id, staff.departure_requested)


async def when_departure_withdrawn_mark_on_post(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureWithdrawn
) -> None:
    """A CM withdrew the request: back on the post."""
    await _stand(uow, envelope, event.manager_id, staff.departure_withdrawn)


async def when_departed_mark_left(uow: UnitOfWork, envelope: Envelope, event: ManagerDeparted) -> None:
    """A CM departed: left, for good."""
    await _stand(uow, envelope, event.manager_id, staff.departed)


async def _stand(uow: UnitOfWork, envelope: Envelope, manager_id: str, after: Callable[[str], str]) -> None:
    row = await _manager(uow, envelope, manager_id)
    row.standing, row.updated_at = after(row.standing), envelope.occurred_at


async def record_grade_change(uow: UnitOfWork, envelope: Envelope, event: ManagerGradeChanged) -> None:
    """R-Q8: a CM's grade changed (or they were moved off the post); the history keeps the moment."""
    row = await _manager(uow, envelope, event.manager_id)
    row.grade, row.standing = event.to_grade, staff.standing_on_grade(row.standing, event.to_grade)
    row.updated_at = envelope.occurred_at
    uow.session.add(
        GradeSpellRow(manager_id=event.manager_id, grade=event.to_grade, valid_from=envelope.occurred_at)
    )


async def record_ladder(uow: UnitOfWork, envelope: Envelope, event: LadderPublished) -> None:
    """The ladder versions: a cycle uses the one in force at the end of its year."""
    if await uow.session.get(LadderRow, (envelope.org_id, event.version)) is not None:
        return
    grades = [g.model_dump(mode="json") for g in event.grades]
    uow.session.add(
        LadderRow(
            org_id=envelope.org_id, version=event.version, effective_from=event.effective_from, grades=grades
        )
    )


async def record_team(uow: UnitOfWork, envelope: Envelope, event: TeamChanged) -> None:
    """R-A4: the team, its lead (who splits its pool) and its members."""
    team = await uow.session.get(TeamRow, event.team_id)
    if team is None:
        team = TeamRow(team_id=event.team_id, org_id=envelope.org_id, name=event.name, lead_id=event.lead_id)
        uow.session.add(team)
    team.name, team.lead_id = event.name, event.lead_id
    team.member_ids = staff.team_members(event.lead_id, event.member_ids)
    team.dissolved = event.change == "dissolved"


async def record_assignment(uow: UnitOfWork, envelope: Envelope, event: CustomerAssignmentChanged) -> None:
    """R-A4: a new assignment period from its effective date; the periods of the customer are re-chained."""
    shares = {m: str(Decimal(v)) for m, v in event.shares.items()}
    uow.session.add(
        AssignmentPeriodRow(
            org_id=envelope.org_id,
            customer_id=event.customer_id,
            valid_from=event.effective_from.date(),
            valid_to=None,
            covers_from=event.effective_from.date(),
            effective_at=event.effective_from,
            primary_manager_id=event.primary_manager_id,
            manager_ids=[event.primary_manager_id, *event.co_manager_ids],
            mode=event.attribution_mode,
            team_id=event.team_id,
            shares=shares,
            sole_manager_id=sole_manager(event.attribution_mode, event.primary_manager_id, shares),
            source_event_id=str(envelope.event_id),
        )
    )
    await uow.session.flush()
    periods = list(
        await uow.session.scalars(
            select(AssignmentPeriodRow)
            .where(AssignmentPeriodRow.customer_id == event.customer_id)
            .order_by(AssignmentPeriodRow.effective_at, AssignmentPeriodRow.id)
        )
    )
    for period, (covers_from, valid_to) in zip(periods, chain([p.valid_from for p in periods]), strict=True):
        period.covers_from, period.valid_to = covers_from, valid_to


async def record_overspend(uow: UnitOfWork, envelope: Envelope, event: ExpenseYearClosed) -> None:
    """R-P2: the year's overspend, deducted from the CM's pay."""
    row = await uow.session.get(OverspendRow, (event.manager_id, event.year))
    if row is None:
        uow.session.add(
            OverspendRow(
                manager_id=event.manager_id,
                year=event.year,
                org_id=envelope.org_id,
                overspend=event.overspend,
            )
        )
    else:
        row.overspend = event.overspend


async def record_posting(uow: UnitOfWork, envelope: Envelope, event: ProfitPosted) -> None:
    """R-A2: a profit posting, once per posting id; a customer not yet known is held until it is."""
    refused = await record_posting_batch(uow, [(envelope, event)])
    if refused:
        raise Rejected(refused[0])


async def record_posting_batch(
    uow: UnitOfWork, postings: Sequence[tuple[Envelope, ProfitPosted]]
) -> dict[int, str]:
    """R-A2 for many postings in one transaction: new ids booked, exact repeats ignored, reused ids refused.

    Held postings need nothing special: attribution joins postings to assignments when it sums.
    """
    named = [(envelope, await references.named(uow, envelope, event)) for envelope, event in postings]
    known = {
        (row.org_id, row.posting_id): _figures(row)
        for row in await uow.session.scalars(
            select(PostingRow).where(
                PostingRow.org_id.in_({envelope.org_id for envelope, _ in named}),
                PostingRow.posting_id.in_({event.posting_id for _, event in named}),
            )
        )
    }
    incoming = [
        ((e.org_id, p.posting_id), (p.customer_id, p.period, p.product, p.amount, p.posted_on, e.org_id))
        for e, p in named
    ]
    book, refused = booking(known, incoming)
    rows = [_posting_row(*named[index]) for index in book]
    uow.session.add_all(rows)
    await totals.add(uow, year_totals(((r.org_id, r.year, r.customer_id), r.amount) for r in rows))
    return refused


def _figures(known: PostingRow) -> tuple[object, ...]:
    """What makes two postings under one id the same: their figures and cooperative."""
    return (known.customer_id, known.period, known.product, known.amount, known.posted_on, known.org_id)


def _posting_row(envelope: Envelope, event: ProfitPosted) -> PostingRow:
    return PostingRow(
        posting_id=event.posting_id,
        org_id=envelope.org_id,
        customer_id=event.customer_id,
        external_id=event.external_id,
        year=posting_year(event.period),
        period=event.period,
        product=event.product,
        amount=event.amount,
        posted_on=event.posted_on,
        received_at=envelope.occurred_at,
    )
