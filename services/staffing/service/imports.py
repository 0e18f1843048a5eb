"""Bulk imports of the cooperative's book into staffing: the office tree, and staff and CMs."""

from datetime import date

from pydantic import BaseModel
from sqlalchemy import select

from services.staffing.domain import imports as plan
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import grade_labels
from services.staffing.models import ManagerRow, OfficeStaffRow
from services.staffing.queries.access import ladder_in_force, today, versions_of
from services.staffing.service.common import registered
from services.staffing.service.offices import store
from shared.auth import Principal
from shared.contracts.offices import StaffOfficeAssigned
from shared.imports import Cells, ImportRequest, ImportSummary, Report
from shared.offices import tree_as_of
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _refuse(report: Report, refusals: tuple[plan.Refusal, ...]) -> None:
    for r in refusals:
        report.refuse(r.line, r.column, r.key, **r.params)


def _office_line(cells: Cells) -> plan.OfficeLine:
    return plan.OfficeLine(
        cells.row.line,
        cells.text("code", required=True, max_length=32),
        cells.text("name", required=True),
        cells.text("parent_code", max_length=32),
        cells.day("effective_from") or today(),
    )


async def import_offices(uow: UnitOfWork, body: ImportRequest, caller: Principal, lang: str) -> ImportSummary:
    """Offices by code: code, name, parent_code (empty: head office), effective_from; moves kept by date."""
    report = Report(body.file, lang)
    lines = [_office_line(Cells(report, row)) for row in body.rows]
    async with uow:
        planned = plan.plan_offices(caller.org_id, await versions_of(uow, caller.org_id), lines)
        _refuse(report, planned.refusals)
        if body.dry_run or report.refused_lines:
            return report.summary(body.dry_run, len(body.rows), planned.counts, planned.ids)
        for version in sorted(planned.versions, key=lambda v: v.effective_from):
            await store(uow, caller.org_id, version, caller.user_id)
        await uow.commit()
    return report.summary(False, len(body.rows), planned.counts, planned.ids)


def _staff_line(report: Report, cells: Cells, grades: dict[str, str]) -> plan.StaffLine:
    line = cells.row.line
    return plan.StaffLine(
        line,
        cells.text("employee_no", required=True, max_length=32),
        cells.text("name", required=True),
        cells.choice("grade", grades, required=True),
        cells.day("certified_until"),
        cells.day("hire_date"),
        cells.choice("education", plan.EDUCATION),
        cells.text("office_code", max_length=32),
        refused=line in report.refused_lines,
    )


async def import_staff(uow: UnitOfWork, body: ImportRequest, caller: Principal, lang: str) -> ImportSummary:
    """CMs by employee number: name, grade, certified_until, office_code, hire_date, education.

    A certification that has already run out is taken as it was (the CM counts as not certified, R-Q7).
    """
    report = Report(body.file, lang)
    async with uow:
        grades = grade_labels(await ladder_in_force(uow, caller.org_id, today()))
        lines = [_staff_line(report, Cells(report, row), grades) for row in body.rows]
        tree = tree_as_of(await versions_of(uow, caller.org_id), date.max)
        rows = await uow.session.scalars(select(ManagerRow).where(ManagerRow.org_id == caller.org_id))
        existing = {r.employee_no: r for r in rows}
        placements = await uow.session.scalars(
            select(OfficeStaffRow).where(OfficeStaffRow.org_id == caller.org_id)
        )
        placed = {r.user_id: r for r in placements}
        planned = plan.plan_staff(
            caller.org_id,
            lines,
            {v.code: v.office_id for v in tree.values()},
            {no: plan.KnownStaff(r.id, r.name, r.grade, r.certified_until) for no, r in existing.items()},
            {user: r.office_id for user, r in placed.items()},
        )
        _refuse(report, planned.refusals)
        if body.dry_run or report.refused_lines:
            return report.summary(body.dry_run, len(body.rows), planned.counts, planned.ids)
        announced: list[tuple[str, BaseModel]] = []
        placed_now: list[tuple[str, BaseModel]] = []
        for change in planned.changes:
            line = change.row
            manager = existing.get(change.employee_no)
            if manager is None:
                manager = ManagerRow(
                    id=change.manager_id,
                    org_id=caller.org_id,
                    employee_no=change.employee_no,
                    status=ManagerStatus.ACTIVE.value,
                    hire_date=line.hire_date,
                    education=line.education,
                    branch=line.office_code or "",  # the readable code; the office id is the placement
                    created_at=utcnow(),
                )
                uow.session.add(manager)
            manager.name, manager.grade, manager.certified_until = (
                change.name,
                change.grade,
                line.certified_until,
            )
            announced.append((manager.id, registered(manager)))
            if change.place_in is not None:
                where = placed.get(change.manager_id)
                if where is None:
                    where = OfficeStaffRow(org_id=caller.org_id, user_id=change.manager_id, scope="default")
                    uow.session.add(where)
                where.office_id, where.assigned_by, where.assigned_at = (
                    change.place_in,
                    caller.user_id,
                    utcnow(),
                )
                assigned = StaffOfficeAssigned(
                    user_id=change.manager_id, office_id=change.place_in, scope=where.scope
                )
                placed_now.append((change.manager_id, assigned))
        # in bulk, a type at a time (two topics: no order between them to keep)
        uow.emit_many("manager.registered", caller.org_id, announced)
        uow.emit_many("office.staff-assigned", caller.org_id, placed_now)
        await uow.commit()
    return report.summary(body.dry_run, len(body.rows), planned.counts, planned.ids)
