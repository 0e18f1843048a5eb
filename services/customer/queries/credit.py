"""Reports and credit recommendations as their readers see them (R-W3, R-R2, R-R4): routed, with questions."""

from sqlalchemy import Select, select

from services.customer.domain import credit as rules
from services.customer.models import InfoRequestRow, RecommendationRow, ReportRow
from services.customer.queries.files import visible_ids
from services.customer.queries.scope import restrict
from services.customer.schemas.credit import QuestionRead, RecommendationRead, ReportRead
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

DEPARTMENTS = {Role.RISK: "risk", Role.PRODUCT: "product", Role.MANAGEMENT: "management"}
SEES_ALL = (Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


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
                if rules.reads_report(departments, served, r.routed_to, r.customer_id)
            ]
        )


async def recommendation(uow: UnitOfWork, rec: RecommendationRow) -> RecommendationRead:
    """A recommendation with its questions from risk, each marked overdue or not (R-R4)."""
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


async def visible_recommendation(uow: UnitOfWork, rec_id: str, caller: Principal) -> RecommendationRow:
    """A recommendation of a customer the caller may see (risk and the overseers see all), else 404."""
    rec = await uow.session.get(RecommendationRow, rec_id)
    if rec is None or rec.org_id != caller.org_id:
        raise NotFound("customer.credit.not_found", rec_id=rec_id)
    if caller.has_any((*SEES_ALL, Role.RISK)):
        return rec
    if rec.customer_id not in set(await uow.session.scalars(visible_ids(caller))):
        raise NotFound("customer.credit.not_found", rec_id=rec_id)
    return rec


async def get_recommendation(uow: UnitOfWork, rec_id: str, caller: Principal) -> RecommendationRead:
    """One recommendation with its questions."""
    async with uow:
        return await recommendation(uow, await visible_recommendation(uow, rec_id, caller))


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
            return [await recommendation(uow, r) for r in await page.rows(uow.session, query)]
        # An overdue question is a computed state: filtered here, the page cut from the result.
        result = [await recommendation(uow, r) for r in await uow.session.scalars(query)]
    return page.window([r for r in result if any(q.overdue for q in r.questions)])
