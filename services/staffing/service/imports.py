"""Bulk imports of the cooperative's book into staffing: the office tree, and staff and CMs."""

import hashlib
from datetime import date

from pydantic import BaseModel
from sqlalchemy import select

from services.staffing.domain.departure import ManagerStatus
from services.staffing.models import ManagerRow, OfficeStaffRow, OfficeVersionRow
from services.staffing.service.common import ladder_in_force, registered, today
from services.staffing.service.offices import versions_of
from shared.auth import Principal
from shared.contracts.offices import OfficeChanged, StaffOfficeAssigned
from shared.imports import Cells, ImportRequest, ImportSummary, Report
from shared.offices import OfficeVersion, has_cycle, tree_as_of
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def stable_id(prefix: str, org_id: str, natural_key: str) -> str:
    """The same office code or employee number of a cooperative always gets the same id."""
    return f"{prefix}-{hashlib.sha256(f'{org_id}:{natural_key}'.encode()).hexdigest()[:12]}"


async def import_offices(uow: UnitOfWork, body: ImportRequest, caller: Principal, lang: str) -> ImportSummary:
    """Offices by code: code, name, parent_code (empty: head office), effective_from; moves kept by date."""
    report = Report(body.file, lang)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with uow:
        versions = await versions_of(uow, caller.org_id)
        now_tree = tree_as_of(versions, date.max)
        by_code = {v.code: v for v in now_tree.values()}
        root = next((v for v in now_tree.values() if v.parent_id is None), None)
        seen: dict[str, int] = {}
        wanted: list[tuple[int, str, str, str | None, date]] = []
        for row in body.rows:
            cells = Cells(report, row)
            code = cells.text("code", required=True, max_length=32)
            name = cells.text("name", required=True)
            parent = cells.text("parent_code", max_length=32)
            on = cells.day("effective_from") or today()
            if code is None or name is None:
                continue
            if code in seen:
                report.refuse(row.line, "code", "import.duplicate", value=code, line=seen[code])
                continue
            seen[code] = row.line
            if parent is None and root is not None and root.code != code:
                report.refuse(row.line, "parent_code", "import.second_root", value=root.code)
                continue
            wanted.append((row.line, code, name, parent, on))
        codes = set(by_code) | {w[1] for w in wanted}
        roots = [w for w in wanted if w[3] is None]
        if len(roots) > 1:
            for line, *_ in roots[1:]:
                report.refuse(line, "parent_code", "import.second_root", value=roots[0][1])
        for line, _code, _name, parent, _on in wanted:
            if parent is not None and parent not in codes:
                report.refuse(line, "parent_code", "import.office_unknown", value=parent)
        ids = {c: by_code[c].office_id if c in by_code else stable_id("o", caller.org_id, c) for c in codes}
        new_versions: list[OfficeVersion] = []
        for _line, code, name, parent, on in wanted:
            office_id, parent_id = ids[code], ids.get(parent) if parent else None
            known = by_code.get(code)
            if known is not None and (known.name, known.parent_id) == (name, parent_id):
                counts["unchanged"] += 1
                continue
            counts["created" if known is None else "updated"] += 1
            start = on if known is None else max(on, known.effective_from)
            new_versions.append(OfficeVersion(office_id, start, parent_id, code, name))
        merged = [
            v
            for v in versions
            if not any(
                (v.office_id, v.effective_from) == (n.office_id, n.effective_from) for n in new_versions
            )
        ] + new_versions
        for n in new_versions:
            if has_cycle(tree_as_of(merged, date.max)):
                line = seen[n.code]
                report.refuse(line, "parent_code", "import.cycle", value=n.code)
                break
        if body.dry_run or report.refused_lines:
            return report.summary(body.dry_run, len(body.rows), counts, ids)
        for n in sorted(new_versions, key=lambda v: v.effective_from):
            same = await uow.session.scalar(
                select(OfficeVersionRow).where(
                    OfficeVersionRow.org_id == caller.org_id,
                    OfficeVersionRow.office_id == n.office_id,
                    OfficeVersionRow.effective_from == n.effective_from,
                )
            )
            if same is None:
                same = OfficeVersionRow(
                    org_id=caller.org_id, office_id=n.office_id, effective_from=n.effective_from
                )
                uow.session.add(same)
            same.code, same.name, same.parent_id = n.code, n.name, n.parent_id
            same.recorded_by, same.recorded_at = caller.user_id, utcnow()
            uow.emit(
                "office.changed",
                key=n.office_id,
                org_id=caller.org_id,
                payload=OfficeChanged(
                    office_id=n.office_id,
                    code=n.code,
                    name=n.name,
                    parent_id=n.parent_id,
                    effective_from=n.effective_from,
                ),
            )
        await uow.commit()
    return report.summary(False, len(body.rows), counts, ids)


EDUCATION = {e: e for e in ("secondary", "vocational", "college", "bachelor", "master", "doctorate")} | {
    "中专": "vocational",
    "高中": "secondary",
    "大专": "college",
    "本科": "bachelor",
    "硕士": "master",
    "博士": "doctorate",
}


async def import_staff(uow: UnitOfWork, body: ImportRequest, caller: Principal, lang: str) -> ImportSummary:
    """CMs by employee number: name, grade, certified_until, office_code, hire_date, education.

    A certification that has already run out is taken as it was (the CM counts as not certified, R-Q7).
    """
    report = Report(body.file, lang)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with uow:
        ladder = await ladder_in_force(uow, caller.org_id, today())
        grades = {g.code: g.code for g in ladder.grades} | {g.name: g.code for g in ladder.grades}
        offices = {
            v.code: v.office_id for v in tree_as_of(await versions_of(uow, caller.org_id), date.max).values()
        }
        existing = {
            r.employee_no: r
            for r in await uow.session.scalars(select(ManagerRow).where(ManagerRow.org_id == caller.org_id))
        }
        placed = {
            r.user_id: r
            for r in await uow.session.scalars(
                select(OfficeStaffRow).where(OfficeStaffRow.org_id == caller.org_id)
            )
        }
        seen: dict[str, int] = {}
        plans = []
        for row in body.rows:
            cells = Cells(report, row)
            no = cells.text("employee_no", required=True, max_length=32)
            name = cells.text("name", required=True)
            grade = cells.choice("grade", grades, required=True)
            until = cells.day("certified_until")
            hired = cells.day("hire_date")
            education = cells.choice("education", EDUCATION)
            office_code = cells.text("office_code", max_length=32)
            office = offices.get(office_code) if office_code else None
            if office_code and office is None:
                report.refuse(row.line, "office_code", "import.office_unknown", value=office_code)
            if no is None or name is None or grade is None or row.line in report.refused_lines:
                continue
            if no in seen:
                report.refuse(row.line, "employee_no", "import.duplicate", value=no, line=seen[no])
                continue
            if office is None and no not in existing:  # every staff member belongs to an office
                report.refuse(row.line, "office_code", "import.office_required")
                continue
            seen[no] = row.line
            plans.append((no, name, grade, until, hired, education, office, office_code))
        ids = {
            p[0]: existing[p[0]].id if p[0] in existing else stable_id("m", caller.org_id, p[0])
            for p in plans
        }
        announced: list[tuple[str, BaseModel]] = []
        placed_now: list[tuple[str, BaseModel]] = []
        for no, name, grade, until, hired, education, office, office_code in plans:
            known = existing.get(no)
            where = placed.get(ids[no])
            same_office = office is None or (where is not None and where.office_id == office)
            if (
                known is not None
                and (known.name, known.grade, known.certified_until) == (name, grade, until)
                and same_office
            ):
                counts["unchanged"] += 1
                continue
            counts["created" if known is None else "updated"] += 1
            if body.dry_run:
                continue
            if known is None:
                known = ManagerRow(
                    id=ids[no],
                    org_id=caller.org_id,
                    employee_no=no,
                    status=ManagerStatus.ACTIVE.value,
                    hire_date=hired,
                    education=education,
                    branch=office_code or "",  # the readable code; the office id is the placement
                    created_at=utcnow(),
                )
                uow.session.add(known)
            known.name, known.grade, known.certified_until = name, grade, until
            announced.append((known.id, registered(known)))
            if office is not None and not same_office:
                if where is None:
                    where = OfficeStaffRow(org_id=caller.org_id, user_id=ids[no], scope="default")
                    uow.session.add(where)
                where.office_id, where.assigned_by, where.assigned_at = office, caller.user_id, utcnow()
                placed_now.append(
                    (ids[no], StaffOfficeAssigned(user_id=ids[no], office_id=office, scope=where.scope))
                )
        if not body.dry_run and not report.refused_lines:
            # in bulk, a type at a time (two topics: no order between them to keep)
            uow.emit_many("manager.registered", caller.org_id, announced)
            uow.emit_many("office.staff-assigned", caller.org_id, placed_now)
            await uow.commit()
    return report.summary(body.dry_run, len(body.rows), counts, ids)
