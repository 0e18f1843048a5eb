"""Bulk import of the cooperative's customers: roster line (R-C4), classification, CMs, opening balances.

Rows are matched by core banking's customer number. Existing data that breaks an assignment rule is taken
as it was: the customer is marked non-compliant naming the rule, and `customer.compliance-changed` lets
audit raise the finding, so the cooperative starts with a list of what to fix instead of a refusal.
"""

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.customer.domain import assignment as rules
from services.customer.domain import imports as decide
from services.customer.domain.files import file_no
from services.customer.domain.imports import FLAGS, IMPORTANCE, KINDS, SIZES
from services.customer.models import (
    AssignmentRow,
    CustomerRow,
    FileCounterRow,
    ManagerProjectionRow,
    OfficeProjectionRow,
    StaffOfficeProjectionRow,
    TeamProjectionRow,
)
from services.customer.queries.scope import in_scope
from services.customer.service.common import grade_views
from services.customer.service.import_writes import Plan, create_all
from shared import office_scope
from shared.auth import Principal
from shared.bulk import paused_gc
from shared.contracts.customer import (
    ComplianceViolation,
    CustomerAssignmentChanged,
    CustomerComplianceChanged,
)
from shared.imports import Cells, ImportRequest, ImportRow, ImportSummary, Report
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _parse(cells: Cells) -> tuple[dict[str, Any], dict[str, Any]] | None:
    values: dict[str, Any] = {
        "name": cells.text("name", required=True),
        "kind": cells.choice("kind", KINDS, required=True),
        "branch": cells.text("branch", max_length=64),
        "address": cells.text("address", max_length=500),
        "contact": cells.text("contact"),
        "importance": cells.choice("importance", IMPORTANCE) or "ordinary",
        "deposit_balance": cells.money("deposit"),
        "loan_balance": cells.money("loan"),
    }
    classification: dict[str, Any] = {f: cells.flag_value(f) for f in FLAGS}
    classification["size"] = cells.choice("size", SIZES)
    classification["risk_amount"] = str(cells.money("risk_amount") or Decimal("0.00"))
    return (values, classification) if values["name"] and values["kind"] else None


async def _lookups(uow: UnitOfWork, org_id: str) -> tuple[dict[str, Any], ...]:
    managers = {
        r.employee_no: r
        for r in await uow.session.scalars(
            select(ManagerProjectionRow).where(ManagerProjectionRow.org_id == org_id)
        )
        if r.employee_no
    }
    offices = {
        r.code: r.office_id
        for r in await uow.session.scalars(
            select(OfficeProjectionRow).where(OfficeProjectionRow.org_id == org_id)
        )
    }
    teams = {
        r.team_id: r
        for r in await uow.session.scalars(
            select(TeamProjectionRow).where(TeamProjectionRow.org_id == org_id)
        )
        if not r.dissolved
    }
    placed = {
        r.user_id: r.office_id
        for r in await uow.session.scalars(
            select(StaffOfficeProjectionRow).where(StaffOfficeProjectionRow.org_id == org_id)
        )
    }
    return managers, offices, teams, placed


def _issues(
    plan_class: dict[str, Any],
    team: list[ManagerProjectionRow],
    grades: Any,
    threshold: Decimal,
    lang: str,
    lead: ManagerProjectionRow | None = None,
) -> tuple[list[str], tuple[ComplianceViolation, ...]]:
    views = [rules.ManagerView(m.manager_id, m.org_id, m.status, m.certified_until, m.grade) for m in team]
    lead_view = (
        rules.ManagerView(lead.manager_id, lead.org_id, lead.status, grade=lead.grade) if lead else None
    )
    c = decide.classification(plan_class)
    verdict = decide.judge_team(c, views, grades, threshold, lead_view, utcnow().date())
    found = [exc.text(lang) for exc in verdict.refused_managers]
    found.extend(rules.issue_line(v) for v in verdict.violations)
    refused = tuple(
        ComplianceViolation(
            rule_id=exc.rule_id, message_key=exc.key, params={k: str(v) for k, v in exc.params.items()}
        )
        for exc in verdict.refused_managers
    )
    return found, (*refused, *(ComplianceViolation.of(v) for v in verdict.violations))


async def import_customers(
    uow: UnitOfWork, body: ImportRequest, caller: Principal, lang: str, risk_threshold: Decimal
) -> ImportSummary:
    """Check every row; unless it is a dry run and no row is refused, write all of them in one commit."""
    report = Report(body.file, lang)
    async with uow:
        with paused_gc():
            return await _import(uow, body, caller, report, risk_threshold)


async def _import(
    uow: UnitOfWork, body: ImportRequest, caller: Principal, report: Report, risk_threshold: Decimal
) -> ImportSummary:
    """Check every row, then write (unless a dry run or a row is refused)."""
    lang = report.language
    managers, offices, teams, placed = await _lookups(uow, caller.org_id)
    grades = await grade_views(uow, caller.org_id)
    by_id = {m.manager_id: m for m in managers.values()}
    root = await uow.session.scalar(
        select(OfficeProjectionRow.office_id)
        .where(OfficeProjectionRow.org_id == caller.org_id, OfficeProjectionRow.parent_id.is_(None))
        .limit(1)
    )
    plans: list[Plan] = []
    seen: dict[str, int] = {}
    placed[""] = root or ""  # once: a copy per row made the check quadratic
    # The R-A rules are pure: rows with the same team, lead and classification share one verdict
    # (50,000 rows hold a few thousand distinct ones), checked once.
    verdicts: dict[tuple[object, ...], tuple[list[str], tuple[ComplianceViolation, ...]]] = {}
    for row in body.rows:
        plan = _plan(report, row, managers, offices, teams, placed, seen)
        if plan is None:
            continue
        lead_id = teams[plan.team_id].lead_id if plan.team_id in teams else None
        case = (plan.primary, plan.co, lead_id, *plan.classification.values())
        if case not in verdicts:
            team = [by_id[m] for m in (plan.primary, *plan.co)]
            verdicts[case] = _issues(
                plan.classification, team, grades, risk_threshold, lang, by_id.get(lead_id or "")
            )
        plan.issues, plan.violations = verdicts[case]
        for issue in plan.issues:
            report.flag(row.line, "primary_employee_no", issue)
        plans.append(plan)
    existing = {
        r.external_id: r
        for r in await uow.session.scalars(
            select(CustomerRow).where(
                CustomerRow.org_id == caller.org_id, CustomerRow.external_id.is_not(None)
            )
        )
    }
    plans = await _within_reach(uow, caller, report, plans, existing)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    write = not body.dry_run and not report.refused_lines
    new = [p for p in plans if p.external_id not in existing]
    numbers = await _file_numbers(uow, caller.org_id, len(new)) if write and new else iter(())
    ids: dict[str, str] = {}
    for plan in plans:
        customer = existing.get(plan.external_id)
        if customer is None:
            continue
        ids[plan.external_id] = customer.id
        changed = _update(uow, customer, plan, caller, write)
        counts["updated" if changed else "unchanged"] += 1
    counts["created"] = len(new)
    if write:
        await uow.session.flush()
        ids |= await create_all(uow, caller, new, numbers)
        await uow.commit()
    return report.summary(body.dry_run, len(body.rows), counts, ids)


async def _within_reach(
    uow: UnitOfWork,
    caller: Principal,
    report: Report,
    plans: list[Plan],
    existing: dict[str | None, CustomerRow],
) -> list[Plan]:
    """A branch supervisor imports only into their office subtree: other rows are refused at their cell."""
    if not office_scope.scopes_restricting(caller):
        return plans
    reach = set(
        await uow.session.scalars(
            select(OfficeProjectionRow.office_id).where(
                OfficeProjectionRow.org_id == caller.org_id,
                in_scope(caller, OfficeProjectionRow.office_id),
            )
        )
    )
    kept = []
    for plan in plans:
        known = existing.get(plan.external_id)
        office = known.office_id if known is not None else None
        refused = decide.outside_reach(
            plan.external_id, known is not None, office, plan.values.get("office_id"), reach
        )
        if refused is None:
            kept.append(plan)
        else:
            report.refuse(plan.line, refused.column, refused.key, **refused.params)
    return kept


def _plan(
    report: Report,
    row: ImportRow,
    managers: dict[str, ManagerProjectionRow],
    offices: dict[str, str],
    teams: dict[str, Any],
    placed: dict[str, str],
    seen: dict[str, int],
) -> Plan | None:
    cells = Cells(report, row)
    external_id = cells.text("external_id", required=True, max_length=64)
    parsed = _parse(cells)
    primary_no = cells.text("primary_employee_no", required=True, max_length=32)
    co_nos = decide.co_numbers(cells.text("co_employee_nos", max_length=2000))
    office_code = cells.text("office_code", max_length=32)
    team_id = cells.text("team_id", max_length=64)
    since = cells.day("start_date") or utcnow().date()
    names = decide.RowNames(row.line, external_id, primary_no, co_nos, office_code, team_id)
    for refused in decide.refusals(names, managers, offices, teams, seen):
        report.refuse(row.line, refused.column, refused.key, **refused.params)
    if row.line in report.refused_lines or parsed is None or external_id is None or primary_no is None:
        return None
    values, classification = parsed
    primary = managers[primary_no].manager_id
    values["office_id"] = decide.office_of(office_code, offices, placed, primary, placed[""])
    return Plan(
        row.line,
        external_id,
        values,
        classification,
        primary,
        tuple(dict.fromkeys(managers[n].manager_id for n in co_nos)),
        team_id,
        datetime.combine(since, time(), tzinfo=UTC),
        [],
    )


async def _file_numbers(uow: UnitOfWork, org_id: str, count: int) -> Any:
    counter = await uow.session.get(FileCounterRow, org_id)
    if counter is None:
        counter = FileCounterRow(org_id=org_id, last_no=0)
        uow.session.add(counter)
    first = counter.last_no + 1
    counter.last_no += count
    await uow.session.flush()
    return iter(file_no(n) for n in range(first, first + count))


def _assign(uow: UnitOfWork, row: CustomerRow, plan: Plan, caller: Principal) -> None:
    now = utcnow()
    for live in row.assignments:
        if live.valid_to is None:
            live.valid_to = now
    team = decide.imported_team(plan.primary, plan.co)
    for manager_id, role, share in team:
        row.assignments.append(
            AssignmentRow(
                manager_id=manager_id,
                role=role.value,
                share=share,
                valid_from=plan.since,
                changed_by=caller.user_id,
                reason="imported",
            )
        )
    uow.emit(
        "customer.assignment-changed",
        key=row.id,
        org_id=row.org_id,
        payload=CustomerAssignmentChanged(
            customer_id=row.id,
            primary_manager_id=plan.primary,
            co_manager_ids=plan.co,
            team_id=plan.team_id,
            attribution_mode="shares",
            shares={m: str(share) for m, _, share in team},
            effective_from=plan.since,
            reason="imported",
        ),
    )


def _emit_compliance(uow: UnitOfWork, row: CustomerRow, violations: tuple[ComplianceViolation, ...]) -> None:
    if row.compliant:
        return
    uow.emit(
        "customer.compliance-changed",
        key=row.id,
        org_id=row.org_id,
        payload=CustomerComplianceChanged(
            customer_id=row.id,
            compliant=False,
            issues=tuple(row.compliance_issues),
            violations=violations,
        ),
    )


def _update(uow: UnitOfWork, row: CustomerRow, plan: Plan, caller: Principal, write: bool) -> bool:
    """Bring an existing customer in line with its row; True if anything differed."""
    live = sorted(
        (a for a in row.assignments if a.valid_to is None), key=lambda a: (a.role != "primary", a.id)
    )
    on_file = decide.Standing(
        {k: getattr(row, k) for k in plan.values},
        tuple(a.manager_id for a in live),
        row.team_id,
        row.classification,
        row.compliant,
        list(row.compliance_issues),
    )
    wanted = decide.Standing(
        plan.values, (plan.primary, *plan.co), plan.team_id, plan.classification, not plan.issues, plan.issues
    )
    change = decide.update(on_file, row.balances_as_of, wanted, plan.since)
    if not change.changed or not write:
        return change.changed
    for key, value in change.fields.items():
        setattr(row, key, value)
    if change.balances_as_of is not None:
        row.balances_as_of = change.balances_as_of
    row.classification, row.team_id = plan.classification, plan.team_id
    row.compliant, row.compliance_issues = not plan.issues, plan.issues
    if change.team_changed:
        _assign(uow, row, plan, caller)
    if change.compliance_changed:
        if row.compliant:
            uow.emit(
                "customer.compliance-changed",
                key=row.id,
                org_id=row.org_id,
                payload=CustomerComplianceChanged(customer_id=row.id, compliant=True, issues=()),
            )
        else:
            _emit_compliance(uow, row, plan.violations)
    return True
