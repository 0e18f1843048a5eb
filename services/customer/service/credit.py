"""Reports and credit recommendations (R-W3, R-R2..R-R4, R-I1): the CM recommends, risk decides."""

from decimal import Decimal
from uuid import uuid4

from sqlalchemy import Select, select

from services.customer.domain import credit as rules
from services.customer.models import GradeProjectionRow, InfoRequestRow, RecommendationRow, ReportRow
from services.customer.schemas.credit import (
    AnswerCreate,
    QuestionRead,
    RecommendationCreate,
    RecommendationRead,
    ReportCreate,
    ReportRead,
)
from services.customer.service.common import (
    bring_ladder_in_force,
    current,
    grade_views,
    manager_view,
    visible_customer,
    visible_ids,
)
from services.customer.service.scope import restrict
from shared.auth import Principal, Role
from shared.contracts.credit import (
    CreditDecisionMade,
    CreditRecommendationAnswered,
    CreditRecommendationSubmitted,
    ReportSubmitted,
)
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

DEPARTMENTS = {Role.RISK: "risk", Role.PRODUCT: "product", Role.MANAGEMENT: "management"}
SEES_ALL = (Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


async def submit_report(
    uow: UnitOfWork, customer_id: str, cmd: ReportCreate, caller: Principal
) -> ReportRead:
    """R-W3: a serving CM submits a report; it is routed by event and never edited (R-R3)."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        previous = (
            await uow.session.get(ReportRow, cmd.supersedes_id) if cmd.supersedes_id is not None else None
        )
        prior = None
        if previous is not None:
            prior = rules.PriorReport(previous.id, previous.customer_id, previous.kind, previous.version)
        serving = {a.manager_id for a in current(row)}
        filed = rules.file_report(
            row.id, cmd.kind, caller.user_id, serving, prior, cmd.supersedes_id, utcnow()
        )
        report = ReportRow(
            id=f"r-{uuid4().hex[:12]}",
            org_id=row.org_id,
            customer_id=row.id,
            kind=filed.kind.value,
            title=cmd.title,
            body=cmd.body,
            version=filed.version,
            supersedes_id=filed.supersedes_id,
            routed_to=list(filed.routed_to),
            author=filed.author,
            submitted_at=filed.submitted_at,
        )
        uow.session.add(report)
        uow.emit(
            "report.submitted",
            key=row.id,
            org_id=row.org_id,
            payload=ReportSubmitted(
                report_id=report.id,
                customer_id=row.id,
                kind=report.kind,
                title=report.title,
                version=filed.version,
                supersedes_id=filed.supersedes_id,
                routed_to=filed.routed_to,
                author=filed.author,
            ),
        )
        await uow.commit()
        return ReportRead.model_validate(report)


async def list_reports(
    uow: UnitOfWork, caller: Principal, customer_id: str | None, page: Page
) -> list[ReportRead]:
    """CMs see their customers' reports; risk, product and management see those routed to them."""
    query = restrict(
        select(ReportRow).where(ReportRow.org_id == caller.org_id), caller, ReportRow.customer_id
    )
    if customer_id is not None:
        query = query.where(ReportRow.customer_id == customer_id)
    async with uow:
        query = query.order_by(ReportRow.submitted_at, ReportRow.id)
        if caller.has_any(SEES_ALL):
            return [ReportRead.model_validate(r) for r in await page.rows(uow.session, query)]
        # Routing is a JSON list: filtered here, and the page cut from what the caller may see.
        departments = {d for role, d in DEPARTMENTS.items() if role in caller.roles}
        served = set(await uow.session.scalars(visible_ids(caller))) if Role.CM in caller.roles else set()
        if departments:  # finding 10: a department reads the newest reports routed to it first
            query = query.order_by(None).order_by(ReportRow.submitted_at.desc(), ReportRow.id.desc())
        return page.window(
            [
                ReportRead.model_validate(r)
                for r in await uow.session.scalars(query)
                if departments.intersection(r.routed_to) or r.customer_id in served
            ]
        )


async def _author(uow: UnitOfWork, author: str, org_id: str) -> rules.Author | None:
    """The CM's grade with its limit (finding 1: in force today) and products (R-Q5), or None (not a CM)."""
    view = await manager_view(uow, author)
    if view is None:
        return None
    await bring_ladder_in_force(uow, org_id, utcnow().date())
    grade = await uow.session.get(GradeProjectionRow, (org_id, view.grade))
    if grade is not None:
        return rules.Author(view.grade, grade.authorization_limit, frozenset(grade.products or ()))
    default = next((g for g in DEFAULT_LADDER_GRADES if g.code == view.grade), None)
    if default is None:
        return rules.Author(view.grade, Decimal("0"), frozenset())
    # R-Q5 before a ladder is published (or for a grade it lacks): the default ladder's products
    return rules.Author(view.grade, default.authorization_limit, frozenset(default.products))


def _submitted(uow: UnitOfWork, rec: RecommendationRow) -> None:
    rec.submitted_at = utcnow()
    uow.emit(
        "credit-recommendation.submitted",
        key=rec.customer_id,
        org_id=rec.org_id,
        payload=CreditRecommendationSubmitted(
            recommendation_id=rec.id,
            customer_id=rec.customer_id,
            author=rec.author,
            cosigned_by=rec.cosigned_by,
            product=rec.product,
            amount=rec.amount,
            term_months=rec.term_months,
            purpose=rec.purpose,
            rationale=rec.rationale,
            report_ids=tuple(rec.report_ids),
        ),
    )


async def _read(uow: UnitOfWork, rec: RecommendationRow) -> RecommendationRead:
    questions = await uow.session.scalars(
        select(InfoRequestRow).where(InfoRequestRow.recommendation_id == rec.id).order_by(InfoRequestRow.id)
    )
    today = utcnow().date()
    return RecommendationRead.model_validate(rec).model_copy(
        update={
            "questions": [
                QuestionRead.model_validate(q).model_copy(
                    update={"overdue": rules.is_overdue(q.due_date, q.answer is not None, today)}
                )
                for q in questions
            ]
        }
    )


async def recommend(
    uow: UnitOfWork, customer_id: str, cmd: RecommendationCreate, caller: Principal
) -> RecommendationRead:
    """R-R2/R-I1: a serving CM recommends; above their limit it waits for a senior co-sign."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        reports = {r: await uow.session.get(ReportRow, r) for r in cmd.report_ids}
        owners = {r: report.customer_id if report else None for r, report in reports.items()}
        author = await _author(uow, caller.user_id, row.org_id)
        serving = {a.manager_id for a in current(row)}
        decided = rules.recommend(caller.user_id, author, serving, owners, row.id, cmd.product, cmd.amount)
        rec = RecommendationRow(
            id=f"cr-{uuid4().hex[:12]}",
            org_id=row.org_id,
            customer_id=row.id,
            author=caller.user_id,
            product=cmd.product,
            amount=cmd.amount,
            term_months=cmd.term_months,
            purpose=cmd.purpose,
            rationale=cmd.rationale,
            report_ids=list(cmd.report_ids),
            authorization_limit=decided.authorization_limit,
            status=decided.status.value,
            created_at=utcnow(),
        )
        uow.session.add(rec)
        if decided.submitted:
            _submitted(uow, rec)
        await uow.commit()
        return await _read(uow, rec)


async def _visible_recommendation(uow: UnitOfWork, rec_id: str, caller: Principal) -> RecommendationRow:
    rec = await uow.session.get(RecommendationRow, rec_id)
    if rec is None or rec.org_id != caller.org_id:
        raise NotFound("customer.credit.not_found", rec_id=rec_id)
    if caller.has_any((*SEES_ALL, Role.RISK)):
        return rec
    if rec.customer_id not in set(await uow.session.scalars(visible_ids(caller))):
        raise NotFound("customer.credit.not_found", rec_id=rec_id)
    return rec


async def cosign(uow: UnitOfWork, rec_id: str, caller: Principal) -> RecommendationRead:
    """R-I1: a senior CM who can see the customer co-signs; the recommendation then goes to risk."""
    async with uow:
        rec = await _visible_recommendation(uow, rec_id, caller)
        view = await manager_view(uow, caller.user_id)
        grade = (await grade_views(uow, rec.org_id)).get(view.grade) if view is not None else None
        senior = view is not None and rules.is_senior(
            view.status, view.certified_until, grade is not None and grade.may_lead_teams, utcnow().date()
        )
        rec.status = rules.cosign(
            rules.RecommendationStatus(rec.status), rec.author, caller.user_id, senior
        ).value
        rec.cosigned_by = caller.user_id
        _submitted(uow, rec)
        await uow.commit()
        return await _read(uow, rec)


async def record_decision(uow: UnitOfWork, envelope: Envelope, event: CreditDecisionMade) -> None:
    """R-R2: the risk department decided; questions get due dates (R-R4)."""
    rec = await uow.session.get(RecommendationRow, event.recommendation_id)
    if rec is None or rec.org_id != envelope.org_id:
        raise NotFound("customer.credit.decision_unknown", recommendation_id=event.recommendation_id)
    decided = rules.take_decision(
        rules.RecommendationStatus(rec.status),
        rec.author,
        envelope.actor.user_id,
        rules.Decision(event.decision),
        event.approved_amount,
        event.credit_line,
    )
    rec.status = decided.status.value
    rec.decided_at, rec.decided_by = envelope.occurred_at, envelope.actor.user_id
    rec.decision_reason = event.reason
    if decided.approved_amount is not None:
        rec.approved_amount, rec.credit_line = decided.approved_amount, decided.credit_line
    for q in event.questions:
        uow.session.add(
            InfoRequestRow(
                recommendation_id=rec.id,
                org_id=rec.org_id,
                question=q.question,
                due_date=q.due_date,
                asked_at=envelope.occurred_at,
            )
        )


async def answer(uow: UnitOfWork, rec_id: str, cmd: AnswerCreate, caller: Principal) -> RecommendationRead:
    """R-R4: a serving CM answers a question from risk, promptly."""
    async with uow:
        rec = await _visible_recommendation(uow, rec_id, caller)
        row = await visible_customer(uow, rec.customer_id, caller)
        rules.check_author_serves(caller.user_id, {a.manager_id for a in current(row)})
        question = await uow.session.get(InfoRequestRow, cmd.question_id)
        if question is None or question.recommendation_id != rec.id:
            raise NotFound("customer.credit.question_not_found", question_id=cmd.question_id, rec_id=rec_id)
        rules.check_answerable(
            caller.user_id, {a.manager_id for a in current(row)}, question.answer is not None
        )
        question.answer, question.answered_by, question.answered_at = cmd.answer, caller.user_id, utcnow()
        uow.emit(
            "credit-recommendation.answered",
            key=rec.customer_id,
            org_id=rec.org_id,
            payload=CreditRecommendationAnswered(
                recommendation_id=rec.id, question_id=question.id, answer=cmd.answer
            ),
        )
        await uow.commit()
        return await _read(uow, rec)


async def get_recommendation(uow: UnitOfWork, rec_id: str, caller: Principal) -> RecommendationRead:
    """One recommendation with its questions."""
    async with uow:
        return await _read(uow, await _visible_recommendation(uow, rec_id, caller))


async def list_recommendations(
    uow: UnitOfWork,
    caller: Principal,
    status: rules.RecommendationStatus | None,
    overdue_only: bool,
    page: Page,
) -> list[RecommendationRead]:
    """CMs see their customers' recommendations; risk sees what was submitted to it."""
    query: Select[RecommendationRow] = select(RecommendationRow).where(
        RecommendationRow.org_id == caller.org_id
    )
    query = restrict(query, caller, RecommendationRow.customer_id)
    if not caller.has_any((*SEES_ALL, Role.RISK)):
        query = query.where(RecommendationRow.customer_id.in_(visible_ids(caller)))
    elif not caller.has_any(SEES_ALL):
        query = query.where(RecommendationRow.status != rules.RecommendationStatus.AWAITING_COSIGN.value)
    if status is not None:
        query = query.where(RecommendationRow.status == status.value)
    query = query.order_by(RecommendationRow.created_at, RecommendationRow.id)
    async with uow:
        if not overdue_only:
            return [await _read(uow, r) for r in await page.rows(uow.session, query)]
        # An overdue question is a computed state: filtered here, the page cut from the result.
        result = [await _read(uow, r) for r in await uow.session.scalars(query)]
    return page.window([r for r in result if any(q.overdue for q in r.questions)])
