"""Reports and credit recommendations (R-W3, R-R2..R-R4, R-I1): the CM recommends, risk decides."""

from uuid import uuid4

from services.customer.domain import credit as rules
from services.customer.domain.ladder import author_of
from services.customer.models import GradeProjectionRow, InfoRequestRow, RecommendationRow, ReportRow
from services.customer.queries.credit import recommendation, visible_recommendation
from services.customer.queries.files import current, visible_customer
from services.customer.queries.managers import manager_view
from services.customer.schemas.credit import (
    AnswerCreate,
    RecommendationCreate,
    RecommendationRead,
    ReportCreate,
    ReportRead,
)
from services.customer.service.common import bring_ladder_in_force, grade_views
from shared.auth import Principal
from shared.contracts.credit import (
    CreditDecisionMade,
    CreditRecommendationAnswered,
    CreditRecommendationSubmitted,
    ReportSubmitted,
)
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


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


async def _author(uow: UnitOfWork, author: str, org_id: str) -> rules.Author | None:
    """The CM's grade with its limit (finding 1: in force today) and products (R-Q5), or None (not a CM)."""
    view = await manager_view(uow, author)
    if view is None:
        return None
    await bring_ladder_in_force(uow, org_id, utcnow().date())
    grade = await uow.session.get(GradeProjectionRow, (org_id, view.grade))
    return author_of(view.grade, (grade.authorization_limit, grade.products) if grade is not None else None)


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
        return await recommendation(uow, rec)


async def cosign(uow: UnitOfWork, rec_id: str, caller: Principal) -> RecommendationRead:
    """R-I1: a senior CM who can see the customer co-signs; the recommendation then goes to risk."""
    async with uow:
        rec = await visible_recommendation(uow, rec_id, caller)
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
        return await recommendation(uow, rec)


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
        rec = await visible_recommendation(uow, rec_id, caller)
        row = await visible_customer(uow, rec.customer_id, caller)
        rules.check_author_serves(caller.user_id, {a.manager_id for a in current(row)})
        question = await uow.session.get(InfoRequestRow, cmd.question_id)
        rules.check_question_of(question.recommendation_id if question else None, rec.id, cmd.question_id)
        assert question is not None
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
        return await recommendation(uow, rec)
