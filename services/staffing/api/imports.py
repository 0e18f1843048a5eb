"""Bulk imports of the cooperative's book (what `steward import` posts): offices, staff and CMs."""

from typing import Annotated

from fastapi import APIRouter, Header

from services.staffing.api.deps import HR
from services.staffing.service import imports
from shared.app import UoW
from shared.imports import ImportRequest, ImportSummary
from shared.spreadsheet import language

router = APIRouter(prefix="/imports", tags=["imports"])


@router.post("/offices", response_model=ImportSummary, summary="Import the office tree")
async def import_offices(
    body: ImportRequest, uow: UoW, caller: HR, accept_language: Annotated[str | None, Header()] = None
) -> ImportSummary:
    """A dry run checks every row; a commit writes all rows or none; the same file twice changes nothing."""
    return await imports.import_offices(uow, body, caller, language(accept_language))


@router.post("/staff", response_model=ImportSummary, summary="Import staff and CMs")
async def import_staff(
    body: ImportRequest, uow: UoW, caller: HR, accept_language: Annotated[str | None, Header()] = None
) -> ImportSummary:
    """CMs by employee number with grade, certification date and office; all rows or none."""
    return await imports.import_staff(uow, body, caller, language(accept_language))
