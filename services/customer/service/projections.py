"""Projections of what other services publish: CMs, the ladder and teams (from `staffing.managers`)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, select

from services.customer.domain.assignment import team_members
from services.customer.models import (
    AssignmentRow,
    CustomerRow,
    LadderVersionRow,
    ManagerProjectionRow,
    TeamMemberProjectionRow,
    TeamProjectionRow,
)
from services.customer.service.assignment import recheck_served_by, recheck_team
from services.customer.service.common import bring_ladder_in_force
from services.customer.service.ladder_days import mark_rechecked
from shared.contracts.customer import ManagerPortfolioPublished, PortfolioCustomer
from shared.contracts.staffing import (
    LadderPublished,
    ManagerCertificationExpired,
    ManagerCertified,
    ManagerDeparted,
    ManagerDepartureRequested,
    ManagerDepartureWithdrawn,
    ManagerGradeChanged,
    ManagerRegistered,
    TeamChanged,
)
from shared.envelope import Envelope
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _upsert_manager(
    uow: UnitOfWork, envelope: Envelope, manager_id: str, **values: str | date | datetime | None
) -> ManagerProjectionRow:
    row = await uow.session.get(ManagerProjectionRow, manager_id)
    if row is None:
        row = ManagerProjectionRow(
            manager_id=manager_id,
            org_id=envelope.org_id,
            name="",
            grade="",
            status="active",
            updated_at=envelope.occurred_at,
        )
        uow.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = envelope.occurred_at
    return row


async def record_manager(uow: UnitOfWork, envelope: Envelope, event: ManagerRegistered) -> None:
    """Keep the CM in the projection: who may be given customers."""
    await _upsert_manager(
        uow,
        envelope,
        event.manager_id,
        employee_no=event.employee_no,
        name=event.name,
        grade=event.grade,
        status=event.status,
        certified_until=event.certified_until,
    )


async def when_departure_requested_publish_portfolio(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureRequested
) -> None:
    """R-I6: freeze new assignments to the CM and publish their portfolio as of the request."""
    await _upsert_manager(uow, envelope, event.manager_id, status="departure_pending")
    rows = await uow.session.execute(
        # Columns, not entities: a portfolio of thousands must not load each customer's assignments.
        select(CustomerRow.id, CustomerRow.name, CustomerRow.kind, AssignmentRow.role)
        .join(AssignmentRow, AssignmentRow.customer_id == CustomerRow.id)
        .where(
            AssignmentRow.manager_id == event.manager_id,
            CustomerRow.org_id == envelope.org_id,
            AssignmentRow.valid_from <= event.requested_at,
            (AssignmentRow.valid_to.is_(None)) | (AssignmentRow.valid_to > event.requested_at),
        )
        .order_by(CustomerRow.file_no)
    )
    customers = tuple(
        PortfolioCustomer(customer_id=cid, name=name, kind=kind, role=role)
        for cid, name, kind, role in rows.all()
    )
    uow.emit(
        "manager.portfolio-published",
        key=event.manager_id,
        org_id=envelope.org_id,
        payload=ManagerPortfolioPublished(
            manager_id=event.manager_id,
            departure_event_id=str(envelope.event_id),
            as_of=event.requested_at,
            customers=customers,
        ),
    )


async def when_departure_withdrawn_reopen_assignments(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureWithdrawn
) -> None:
    """R-I6: the departure was withdrawn; the CM may take customers again."""
    await _upsert_manager(uow, envelope, event.manager_id, status="active")


async def when_departed_record_departed(uow: UnitOfWork, envelope: Envelope, event: ManagerDeparted) -> None:
    """The CM has left: the projection says so."""
    await _upsert_manager(uow, envelope, event.manager_id, status="departed")


async def record_ladder(uow: UnitOfWork, envelope: Envelope, event: LadderPublished) -> None:
    """R-Q5: the grades in force and the customer classes each may serve (newest version wins)."""
    await _ladder(uow, envelope, event)


async def _ladder(uow: UnitOfWork, envelope: Envelope, event: LadderPublished) -> bool:
    """Keep the version; it becomes the ladder in force on its effective date, not before (finding 1)."""
    if await uow.session.get(LadderVersionRow, (envelope.org_id, event.version)) is None:
        uow.session.add(
            LadderVersionRow(
                org_id=envelope.org_id,
                version=event.version,
                effective_from=event.effective_from,
                grades=[g.model_dump(mode="json") for g in event.grades],
            )
        )
        await uow.session.flush()
    return await bring_ladder_in_force(uow, envelope.org_id, utcnow().date())


@dataclass(frozen=True)
class Rechecks:
    """The reactions that re-evaluate R-C1 with the threshold of the app they run in (one per app: two apps
    in one process, as in the in-process harness, each apply their own)."""

    risk_threshold: Decimal

    async def when_grade_changed_recheck_customers(
        self, uow: UnitOfWork, envelope: Envelope, event: ManagerGradeChanged
    ) -> None:
        """R-Q8 then R-C1/R-C3/R-Q5: a promotion or demotion re-evaluates every customer the CM serves."""
        values: dict[str, str | date | datetime | None] = {"status": event.status}
        if event.to_grade is not None:
            values["grade"] = event.to_grade
        await _upsert_manager(uow, envelope, event.manager_id, **values)
        await uow.session.flush()
        await recheck_served_by(uow, envelope.org_id, event.manager_id, self.risk_threshold)

    async def when_certified_recheck_customers(
        self, uow: UnitOfWork, envelope: Envelope, event: ManagerCertified
    ) -> None:
        """R-Q7 then R-C1/R-C2: the CM is certified until a new date; a renewed senior counts again."""
        await _upsert_manager(
            uow, envelope, event.manager_id, grade=event.grade, certified_until=event.valid_until
        )
        await uow.session.flush()
        await recheck_served_by(uow, envelope.org_id, event.manager_id, self.risk_threshold)

    async def when_certification_expired_recheck_customers(
        self, uow: UnitOfWork, envelope: Envelope, event: ManagerCertificationExpired
    ) -> None:
        """R-Q7 then R-C1/R-C2: an expired CM is not certified, so an expired senior no longer counts as one
        for the customers they serve or whose team they lead (a renewal comes later on the same key)."""
        await _upsert_manager(uow, envelope, event.manager_id, certified_until=event.expired_on)
        await uow.session.flush()
        await recheck_served_by(uow, envelope.org_id, event.manager_id, self.risk_threshold)

    async def when_ladder_published_recheck_customers(
        self, uow: UnitOfWork, envelope: Envelope, event: LadderPublished
    ) -> None:
        """R-Q5/R-C1: a new ladder (the grades' classes) re-evaluates the cooperative's served customers."""
        if await _ladder(uow, envelope, event):
            await uow.session.flush()
            await recheck_served_by(uow, envelope.org_id, None, self.risk_threshold)
            await mark_rechecked(uow, envelope.org_id, utcnow())

    async def record_team(self, uow: UnitOfWork, envelope: Envelope, event: TeamChanged) -> None:
        """R-C2: the team and its members as staffing last published them; its customers re-evaluated."""
        team = await uow.session.get(TeamProjectionRow, event.team_id)
        if team is None:
            team = TeamProjectionRow(
                team_id=event.team_id, org_id=envelope.org_id, name=event.name, lead_id=event.lead_id
            )
            uow.session.add(team)
            await uow.session.flush()
        team.name, team.lead_id, team.dissolved = event.name, event.lead_id, event.change == "dissolved"
        await uow.session.execute(
            delete(TeamMemberProjectionRow).where(TeamMemberProjectionRow.team_id == team.team_id)
        )
        for manager_id in team_members(event.lead_id, event.member_ids, team.dissolved):
            uow.session.add(TeamMemberProjectionRow(team_id=team.team_id, manager_id=manager_id))
        await uow.session.flush()
        await recheck_team(uow, envelope.org_id, team.team_id, self.risk_threshold)
