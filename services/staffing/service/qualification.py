"""Qualification applications (R-Q1, R-Q2): checked automatically, reviewed by HR."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import access
from services.staffing.domain import qualification as rules
from services.staffing.models import ApplicationRow
from services.staffing.queries.access import ladder_in_force, manager_in_org, today
from services.staffing.schemas.qualification import ApplicationCreate, ApplicationRead, ApplicationReview
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def apply(
    uow: UnitOfWork, cmd: ApplicationCreate, caller: Principal, conditions: rules.Conditions
) -> ApplicationRead:
    """R-Q1/R-Q2: record an application; every failed condition is named and it goes no further."""
    rules.check_applicant(caller.user_id, cmd.staff_id, access.manages(caller.roles))
    async with uow:
        staff = await manager_in_org(uow, cmd.staff_id, caller.org_id)
        ladder = await ladder_in_force(uow, caller.org_id, today())
        previous = await uow.session.scalars(
            select(ApplicationRow.status).where(ApplicationRow.staff_id == staff.id)
        )
        record = rules.StaffRecord(
            staff.id,
            staff.status,
            staff.hire_date,
            staff.education,
            staff.health_attested,
            staff.ethics_attested,
            staff.bad_business_record,
        )
        applied = rules.apply_for(
            record,
            cmd.target_grade,
            ladder,
            [rules.ApplicationStatus(s) for s in previous],
            conditions,
            today(),
        )
        row = ApplicationRow(
            id=f"qa-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            staff_id=staff.id,
            target_grade=cmd.target_grade,
            status=applied.status.value,
            failed_conditions=list(applied.failed_conditions),
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
        rules.check_application_known(
            application_id, access.in_org(row.org_id if row else None, caller.org_id)
        )
        assert row is not None
        row.status = rules.review(
            rules.ApplicationStatus(row.status), row.staff_id, caller.user_id, cmd.approve
        ).value
        row.reviewed_by = caller.user_id
        row.reviewed_at = utcnow()
        row.review_reason = cmd.reason
        await uow.commit()
        return ApplicationRead.model_validate(row)
