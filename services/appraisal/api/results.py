"""Result sheets, pay in kind (R-P3) and the cooperative's summary, charts and workbook."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Response

from services.appraisal.api.deps import Participant, Payroll, Reader
from services.appraisal.queries import reports
from services.appraisal.queries import results as reads
from services.appraisal.schemas.results import InKindCreate, OfficeSummary, ResultRead, SummaryRead
from services.appraisal.service import results
from shared.app import UoW
from shared.pagination import Paged
from shared.spreadsheet import language

router = APIRouter(tags=["results"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AcceptLanguage = Annotated[str | None, Header(max_length=200)]


@router.get("/me/results", response_model=list[ResultRead], summary="My finalized results")
async def my_results(uow: UoW, caller: Participant, page: Paged) -> list[ResultRead]:
    """The caller's own finalized result sheets, newest year first."""
    return page.window(await reads.my_results(uow, caller))


@router.get("/cycles/{cycle_id}/results", response_model=list[ResultRead], summary="Result sheets")
async def list_results(
    cycle_id: str,
    uow: UoW,
    caller: Participant,
    page: Paged,
) -> list[ResultRead]:
    """Every CM's sheet for readers; a CM gets only their own."""
    return await reads.list_results(uow, cycle_id, caller, page)


@router.get("/cycles/{cycle_id}/results/{manager_id}", response_model=ResultRead, summary="A result sheet")
async def get_result(cycle_id: str, manager_id: str, uow: UoW, caller: Participant) -> ResultRead:
    """Every component of a CM's result and pay, and how it was reached."""
    return await reads.get_result(uow, cycle_id, manager_id, caller)


@router.post(
    "/cycles/{cycle_id}/results/{manager_id}/in-kind", response_model=ResultRead, summary="Record pay in kind"
)
async def record_in_kind(
    cycle_id: str, manager_id: str, cmd: InKindCreate, uow: UoW, caller: Payroll
) -> ResultRead:
    """R-P3: floating pay paid in kind, at its value, recorded against the CM's result."""
    return await results.record_in_kind(uow, cycle_id, manager_id, cmd, caller)


@router.get("/cycles/{cycle_id}/summary", response_model=SummaryRead, summary="The cooperative's summary")
async def summary(cycle_id: str, uow: UoW, caller: Reader) -> SummaryRead:
    """Profit and scores by grade and by branch, score bands, proposals."""
    return await reports.summary(uow, cycle_id, caller)


@router.get(
    "/cycles/{cycle_id}/summary/offices",
    response_model=list[OfficeSummary],
    summary="The summary by office, following the tree",
)
async def summary_by_office(
    cycle_id: str, uow: UoW, caller: Reader, page: Paged, as_of: date | None = None
) -> list[OfficeSummary]:
    """Per office in tree order, over the CMs at or below it (a branch includes its outlets), in scope."""
    return page.window(await reports.by_office(uow, cycle_id, caller, as_of))


@router.get("/cycles/{cycle_id}/summary.svg", response_class=Response, summary="The summary as charts")
async def summary_chart(
    cycle_id: str, uow: UoW, caller: Reader, accept_language: AcceptLanguage = None
) -> Response:
    """Profit by grade (ladder order) and branch and score bands, as SVG in the caller's language."""
    report = await reports.summary(uow, cycle_id, caller)
    lang = language(accept_language)
    body = reports.chart_svg(report, lang)
    return Response(body, media_type="image/svg+xml", headers={"Content-Language": lang})


@router.get("/cycles/{cycle_id}/export.xlsx", response_class=Response, summary="Results as a workbook")
async def export(cycle_id: str, uow: UoW, caller: Reader, accept_language: AcceptLanguage = None) -> Response:
    """Every result sheet and the summaries, as an Excel workbook with headers in the caller's language."""
    lang = language(accept_language)
    body = await reports.workbook(uow, cycle_id, caller, lang)
    headers = {
        "Content-Disposition": f'attachment; filename="appraisal-{cycle_id}.xlsx"',
        "Content-Language": lang,
    }
    return Response(body, media_type=XLSX, headers=headers)
