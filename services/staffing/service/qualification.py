"""Qualification applications (R-Q1, R-Q2): checked automatically, reviewed by HR."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import qualification as rules
from services.staffing.domain.departure import ManagerStatus
from services.staffing.models import ApplicationRow, ManagerRow
from services.staffing.schemas.qualification import ApplicationCreate, ApplicationRead, ApplicationReview
from services.staffing.service.common import MANAGE, ladder_in_force, manager_in_org, today
from shared.auth import Principal
from shared.errors import Forbidden, NotFound, RuleViolation
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _candidate(row: ManagerRow) -> rules.Candidate:
    if row.hire_date is None or row.education is None:
        raise RuleViolation("staffing.qualification.record_incomplete")
    return rules.Candidate(
        hire_date=row.hire_date,
        education=rules.Education(row.education),
        health_attested=row.health_attested,
        ethics_attested=row.ethics_attested,
        bad_business_record=row.bad_business_record,
    )


async def apply(
    uow: UnitOfWork, cmd: ApplicationCreate, caller: Principal, conditions: rules.Conditions
) -> ApplicationRead:
    """R-Q1/R-Q2: record an application; every failed condition is named and it goes no further."""
    if not caller.has_any(MANAGE) and caller.user_id != cmd.staff_id:
        raise Forbidden("staffing.qualification.hr_or_self")
    async with uow:
        staff = await manager_in_org(uow, cmd.staff_id, caller.org_id)
        if staff.status != ManagerStatus.STAFF.value:
            raise RuleViolation(
                "staffing.qualification.not_staff", staff_id=cmd.staff_id, status=staff.status
            )
        ladder = await ladder_in_force(uow, caller.org_id, today())
        ladder.grade(cmd.target_grade)
        previous = await uow.session.scalars(
            select(ApplicationRow.status).where(ApplicationRow.staff_id == staff.id)
        )
        rules.check_no_active_application([rules.ApplicationStatus(s) for s in previous])
        failed = rules.failed_conditions(_candidate(staff), conditions, today())
        row = ApplicationRow(
            id=f"qa-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            staff_id=staff.id,
            target_grade=cmd.target_grade,
            status=rules.initial_status(failed).value,
            failed_conditions=failed,
            submitted_by=caller.user_id,
            submitted_at=utcnow(),
        )
        uow.session.add(row)
        # Touching the versioned staff row makes a concurrent second application fail, not slip through.
        staff.last_applied_at = row.submitted_at
        await uow.commit()
        return ApplicationRead.model_validate(row)


async def review(
    uow: UnitOfWork, application_id: str, cmd: ApplicationReview, caller: Principal
) -> ApplicationRead:
    """R-Q2: an HR reviewer other than the applicant approves or rejects, with a reason."""
    async with uow:
        row = await uow.session.get(ApplicationRow, application_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound("staffing.qualification.not_found", application_id=application_id)
        row.status = rules.review(
            rules.ApplicationStatus(row.status), row.staff_id, caller.user_id, cmd.approve
        ).value
        row.reviewed_by = caller.user_id
        row.reviewed_at = utcnow()
        row.review_reason = cmd.reason
        await uow.commit()
        return ApplicationRead.model_validate(row)


async def list_applications(
    uow: UnitOfWork, caller: Principal, staff_id: str | None, status: rules.ApplicationStatus | None
) -> list[ApplicationRead]:
    """Applications of the cooperative; staff see only their own."""
    query = select(ApplicationRow).where(ApplicationRow.org_id == caller.org_id)
    if not caller.has_any(MANAGE):
        query = query.where(ApplicationRow.staff_id == caller.user_id)
    if staff_id is not None:
        query = query.where(ApplicationRow.staff_id == staff_id)
    if status is not None:
        query = query.where(ApplicationRow.status == status.value)
    async with uow:
        rows = await uow.session.scalars(query.order_by(ApplicationRow.submitted_at).limit(500))
        return [ApplicationRead.model_validate(r) for r in rows]
