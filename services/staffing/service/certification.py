"""Certification (R-Q6, R-Q7): record exam results; warn before and announce expiry."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import certification as rules
from services.staffing.domain.qualification import ApplicationStatus
from services.staffing.models import ApplicationRow, CertificationRow, ManagerRow
from services.staffing.queries.access import ladder_in_force, manager_in_org, today
from services.staffing.schemas.certification import CertificationCreate, CertificationRead, SweepResult
from services.staffing.service.common import emit_registered
from shared.auth import Principal
from shared.contracts.staffing import (
    ManagerCertificationExpired,
    ManagerCertificationExpiring,
    ManagerCertified,
)
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _approved_application(uow: UnitOfWork, row: ManagerRow) -> ApplicationRow | None:
    return await uow.session.scalar(
        select(ApplicationRow).where(
            ApplicationRow.staff_id == row.id, ApplicationRow.status == ApplicationStatus.APPROVED.value
        )
    )


async def record_exam(
    uow: UnitOfWork, manager_id: str, cmd: CertificationCreate, caller: Principal, validity_years: int
) -> CertificationRead:
    """R-Q6/R-Q7: weigh the components; a pass certifies the CM at the grade until a date."""
    async with uow:
        row = await manager_in_org(uow, manager_id, caller.org_id)
        rules.check_can_sit(row.id, row.status)
        ladder = await ladder_in_force(uow, caller.org_id, cmd.exam_date)
        grade = ladder.grade(cmd.grade)
        application = await _approved_application(uow, row) if rules.needs_application(row.status) else None
        candidate = rules.Candidate(
            row.id, row.status, row.grade, application.target_grade if application else None
        )
        results = rules.ExamResults(cmd.performance, cmd.ability, cmd.exam)
        certified = rules.sit_exam(candidate, grade, results, cmd.exam_date, validity_years, today())
        outcome = certified.outcome
        exam = CertificationRow(
            id=f"ce-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            manager_id=row.id,
            grade=certified.grade,
            ladder_version=ladder.version,
            exam_date=cmd.exam_date,
            performance=cmd.performance,
            ability=cmd.ability,
            exam=cmd.exam,
            score=outcome.score,
            pass_mark=grade.pass_mark,
            passed=outcome.passed,
            valid_until=outcome.valid_until,
            recorded_by=caller.user_id,
            recorded_at=utcnow(),
        )
        uow.session.add(exam)
        if certified.certifies and outcome.valid_until is not None:
            row.certified_until = outcome.valid_until
            appointment = certified.appointment
            if appointment is not None and application is not None:
                application.status = appointment.application_status
                row.status, row.grade = appointment.status, certified.grade
                emit_registered(uow, row)
            uow.emit(
                "manager.certified",
                key=row.id,
                org_id=row.org_id,
                payload=ManagerCertified(
                    manager_id=row.id,
                    grade=certified.grade,
                    score=outcome.score,
                    valid_until=outcome.valid_until,
                ),
            )
        await uow.commit()
        return CertificationRead.model_validate(exam)


async def sweep_expiry(uow: UnitOfWork, org_id: str | None, warn_days: int) -> SweepResult:
    """R-Q7: warn CMs whose certification expires within `warn_days`, announce expiries; each once."""
    now = today()
    warned: list[str] = []
    expired: list[str] = []
    async with uow:
        query = select(ManagerRow).where(
            ManagerRow.status.in_(rules.SWEPT),
            ManagerRow.certified_until.is_not(None),
            ManagerRow.certified_until <= rules.sweep_horizon(now, warn_days),
        )
        if org_id is not None:
            query = query.where(ManagerRow.org_id == org_id)
        for row in await uow.session.scalars(query.order_by(ManagerRow.id).limit(5000)):
            notice = rules.sweep_one(
                row.id,
                row.certified_until,
                now,
                warn_days,
                row.certification_warned_for,
                row.certification_expired_for,
            )
            if isinstance(notice, rules.CertificationExpiring):
                row.certification_warned_for = notice.valid_until
                warned.append(row.id)
                uow.emit(
                    "manager.certification-expiring",
                    key=row.id,
                    org_id=row.org_id,
                    payload=ManagerCertificationExpiring(
                        manager_id=row.id, valid_until=notice.valid_until, days_left=notice.days_left
                    ),
                )
            elif isinstance(notice, rules.CertificationExpired):
                row.certification_expired_for = notice.expired_on
                expired.append(row.id)
                uow.emit(
                    "manager.certification-expired",
                    key=row.id,
                    org_id=row.org_id,
                    payload=ManagerCertificationExpired(manager_id=row.id, expired_on=notice.expired_on),
                )
        await uow.commit()
    return SweepResult(warned=warned, expired=expired)
