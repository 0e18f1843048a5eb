"""Bulk import of the cooperative's customers (what `steward import customers` posts)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header

from services.customer.api.deps import RiskThreshold
from services.customer.service import balance_import, imports
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.imports import ImportRequest, ImportSummary
from shared.spreadsheet import language

router = APIRouter(prefix="/imports", tags=["imports"])
Importer = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.HR))]
# A branch supervisor brings in their own branch's book: rows outside their office subtree are refused.
BookImporter = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.HR, Role.SUPERVISOR))]


@router.post("/customers", response_model=ImportSummary, summary="Import customers with their CMs")
async def import_customers(
    body: ImportRequest,
    uow: UoW,
    caller: BookImporter,
    threshold: RiskThreshold,
    accept_language: Annotated[str | None, Header()] = None,
) -> ImportSummary:
    """Roster, classification, CMs, opening balances; a dry run writes nothing, a commit all rows or none."""
    return await imports.import_customers(uow, body, caller, language(accept_language), threshold)


@router.post("/balances", response_model=ImportSummary, summary="Import opening balances")
async def import_balances(
    body: ImportRequest,
    uow: UoW,
    caller: Importer,
    accept_language: Annotated[str | None, Header()] = None,
) -> ImportSummary:
    """Deposit, loan, overdue as of a date per core-banking number; newest wins (R-C5); all rows or none."""
    return await balance_import.import_balances(uow, body, caller, language(accept_language))
