"""Customer files and the roster (R-C4, R-C6)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status

from services.customer.access_log import AccessReads
from services.customer.api.deps import Database, Reader, RiskThreshold, Settings, Writer
from services.customer.domain.classification import Importance
from services.customer.domain.identity import document_hash
from services.customer.queries import export, reading
from services.customer.queries import files as roster
from services.customer.schemas import (
    CustomerCreate,
    CustomerPatch,
    CustomerRead,
    Section,
    SectionRead,
    SectionWrite,
)
from services.customer.service import files
from shared.app import UoW
from shared.pagination import Page, Paged
from shared.spreadsheet import language

router = APIRouter(prefix="/customers", tags=["customers"])


@router.post(
    "", response_model=CustomerRead, status_code=status.HTTP_201_CREATED, summary="Open a customer file"
)
async def register_customer(
    body: CustomerCreate, uow: UoW, caller: Writer, threshold: RiskThreshold, settings: Settings
) -> CustomerRead:
    """Roster fields, classification, primary and co-managers, attribution; every assignment rule applies."""
    return await files.register_customer(uow, body, caller, threshold, settings.document_key())


@router.get("", response_model=list[CustomerRead], summary="The roster")
async def list_customers(
    uow: UoW,
    caller: Reader,
    settings: Settings,
    page: Paged,
    reads: AccessReads,
    branch: Annotated[str | None, Query(max_length=64)] = None,
    manager_id: Annotated[str | None, Query(max_length=64)] = None,
    importance: Importance | None = None,
    compliant: bool | None = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="a name's beginning (王, 王家), a file number, the end of a phone number (4+ digits) "
            "or core banking's number",
        ),
    ] = None,
    external_id: Annotated[str | None, Query(max_length=64, description="core banking's number")] = None,
    id_document: Annotated[
        str | None, Query(max_length=64, description="exact ID-document number (compared by its hash)")
    ] = None,
) -> list[CustomerRead]:
    """A CM sees only customers they serve (directly or through a team); supervisors see the cooperative."""
    found = await roster.list_customers(
        uow,
        caller,
        page,
        branch,
        manager_id,
        importance.value if importance else None,
        compliant,
        external_id=external_id,
        id_document_hash=document_hash(settings.document_key(), id_document) if id_document else None,
        q=q,
    )
    reads.customers(caller, (c.id for c in found))
    return found


@router.get("/export", summary="Export the roster (R-C4)", response_class=Response)
async def export_roster(
    uow: UoW,
    caller: Reader,
    reads: AccessReads,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
    branch: Annotated[str | None, Query(max_length=64)] = None,
    manager_id: Annotated[str | None, Query(max_length=64)] = None,
    importance: Importance | None = None,
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """CSV (UTF-8 with BOM) or XLSX, headers in the caller's language; a CM exports only their customers."""
    rows = await roster.list_customers(
        uow, caller, Page(limit=100_000), branch, manager_id, importance.value if importance else None, None
    )
    names = await export.manager_names(uow, rows)
    reads.customers(caller, (r.id for r in rows), rows=len(rows))
    lang = language(accept_language)
    if format == "xlsx":
        return Response(
            export.as_xlsx(rows, names, lang),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="roster.xlsx"', "Content-Language": lang},
        )
    return Response(
        export.as_csv(rows, names, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="roster.csv"', "Content-Language": lang},
    )


@router.get("/{customer_id}", response_model=CustomerRead, summary="Get a customer")
async def get_customer(
    customer_id: str, database: Database, caller: Reader, reads: AccessReads
) -> CustomerRead:
    """One customer file; 404 for a CM who does not serve it."""
    found = await reading.one_customer(database, customer_id, caller)
    reads.customers(caller, [customer_id])
    return found


@router.patch("/{customer_id}", response_model=CustomerRead, summary="Update the roster line (R-C4)")
async def update_roster(
    customer_id: str, body: CustomerPatch, uow: UoW, caller: Writer, settings: Settings
) -> CustomerRead:
    """Address, contact, relationship evaluation, cooperation direction, importance, branch, core banking's
    number and the ID document (`null` removes either)."""
    return await files.update_roster(uow, customer_id, body, caller, settings.document_key())


@router.post(
    "/{customer_id}/sections/{section}",
    response_model=SectionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Write a file section (R-C6)",
)
async def write_section(
    customer_id: str, section: Section, body: SectionWrite, uow: UoW, caller: Writer
) -> SectionRead:
    """A new version with author and time; earlier versions are kept (R-R3)."""
    return await files.write_section(uow, customer_id, section, body, caller)


@router.get("/{customer_id}/sections/{section}", response_model=list[SectionRead], summary="Section history")
async def section_history(
    customer_id: str, section: Section, uow: UoW, caller: Reader, page: Paged, reads: AccessReads
) -> list[SectionRead]:
    """Every version, newest first."""
    found = page.window(await roster.section_history(uow, customer_id, section, caller))
    reads.customers(caller, [customer_id])
    return found
