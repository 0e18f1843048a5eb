"""Grades, applications and exams as callers read them (R-Q2, R-Q6, R-Q8)."""

from sqlalchemy import select

from services.staffing.domain import access
from services.staffing.domain.grading import ProposalStatus, check_proposal_known
from services.staffing.domain.qualification import ApplicationStatus
from services.staffing.models import ApplicationRow, CertificationRow, GradeChangeRow, GradeProposalRow
from services.staffing.queries.access import visible_manager
from services.staffing.schemas.certification import CertificationRead
from services.staffing.schemas.grading import GradeChangeRead, ProposalRead
from services.staffing.schemas.qualification import ApplicationRead
from shared.auth import Principal
from shared.pagination import Page
from shared.uow import UnitOfWork


async def list_proposals(
    uow: UnitOfWork, caller: Principal, status: ProposalStatus | None, page: Page
) -> list[ProposalRead]:
    """Grade proposals of the cooperative, oldest first."""
    query = select(GradeProposalRow).where(GradeProposalRow.org_id == caller.org_id)
    if status is not None:
        query = query.where(GradeProposalRow.status == status.value)
    async with uow:
        rows = await page.rows(uow.session, query.order_by(GradeProposalRow.created_at, GradeProposalRow.id))
        return [ProposalRead.model_validate(r) for r in rows]


async def get_proposal(uow: UnitOfWork, proposal_id: str, caller: Principal) -> ProposalRead:
    """One grade proposal of the cooperative (the Workbench polls it while it waits for a decision)."""
    async with uow:
        row = await uow.session.get(GradeProposalRow, proposal_id)
        check_proposal_known(proposal_id, access.in_org(row.org_id if row else None, caller.org_id))
        return ProposalRead.model_validate(row)


async def grade_history(uow: UnitOfWork, manager_id: str, caller: Principal) -> list[GradeChangeRead]:
    """R-Q8: every change of a CM's grade: who, when, why."""
    async with uow:
        await visible_manager(uow, manager_id, caller)
        rows = await uow.session.scalars(
            select(GradeChangeRow).where(GradeChangeRow.manager_id == manager_id).order_by(GradeChangeRow.id)
        )
        return [GradeChangeRead.model_validate(r) for r in rows]


async def list_applications(
    uow: UnitOfWork,
    caller: Principal,
    staff_id: str | None,
    status: ApplicationStatus | None,
    page: Page,
) -> list[ApplicationRead]:
    """Applications of the cooperative; staff see only their own."""
    query = select(ApplicationRow).where(ApplicationRow.org_id == caller.org_id)
    if not access.manages(caller.roles):
        query = query.where(ApplicationRow.staff_id == caller.user_id)
    if staff_id is not None:
        query = query.where(ApplicationRow.staff_id == staff_id)
    if status is not None:
        query = query.where(ApplicationRow.status == status.value)
    async with uow:
        rows = await page.rows(uow.session, query.order_by(ApplicationRow.submitted_at, ApplicationRow.id))
        return [ApplicationRead.model_validate(r) for r in rows]


async def list_exams(uow: UnitOfWork, manager_id: str, caller: Principal) -> list[CertificationRead]:
    """A CM's exam history, newest first."""
    async with uow:
        await visible_manager(uow, manager_id, caller)
        rows = await uow.session.scalars(
            select(CertificationRow)
            .where(CertificationRow.manager_id == manager_id)
            .order_by(
                CertificationRow.exam_date.desc(), CertificationRow.recorded_at.desc(), CertificationRow.id
            )
        )
        return [CertificationRead.model_validate(r) for r in rows]
