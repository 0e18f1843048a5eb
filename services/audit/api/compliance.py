"""Continuous compliance (R-I2): deadlines swept now, and summaries per branch and per CM."""

from fastapi import APIRouter
from pydantic import BaseModel

from services.audit.api.deps import Admin, Auditor, Reader
from services.audit.queries import findings, settings
from services.audit.schemas import SettingsVersion, SettingsView, SettingsWrite
from services.audit.service import config, deadlines
from shared.admin import AdminOnly
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(prefix="/compliance", tags=["compliance"])


class SweepResult(BaseModel):
    """How many watched deadlines had passed."""

    overdue: int


class SummaryRow(BaseModel):
    """Open findings of one CM by rule, with the CM's branch."""

    branch: str | None
    manager_id: str | None
    rule_id: str
    open_findings: int


@router.post("/sweep", response_model=SweepResult, summary="Check deadlines now (R-R4, R-M5)")
async def sweep(uow: UoW, caller: Auditor) -> SweepResult:
    """Also runs on a schedule; raises a finding once for each passed deadline."""
    return SweepResult(overdue=await deadlines.sweep(uow, caller.org_id))


@router.get("/settings", response_model=SettingsView, summary="The cooperative's thresholds")
async def get_settings(uow: UoW, caller: Reader) -> SettingsView:
    """In force now (R-M4 intervals, R-M5 follow-up days, R-I1 ratings) and the ones scheduled."""
    return await settings.get_config(uow, caller)


@router.put("/settings", response_model=SettingsVersion, summary="Set the cooperative's thresholds")
async def set_settings(body: SettingsWrite, uow: UoW, caller: Admin) -> SettingsVersion:
    """Configuration is the admin's; it applies from now, or from `effective_from` (a later day)."""
    return await config.set_config(uow, body, caller)


class Republished(BaseModel):
    """How many versions of the settings were published again."""

    published: int


@router.post(
    "/settings/republish", response_model=Republished, summary="Publish the cooperative's settings again"
)
async def republish_settings(uow: UoW, caller: AdminOnly) -> Republished:
    """Every stored version again on `audit.settings-changed`: the admin's cooperative, or all (platform)."""
    return Republished(published=await config.republish(uow, caller))


@router.get("/summary", response_model=list[SummaryRow], summary="Open findings per CM and rule")
async def summary(uow: UoW, caller: Reader, page: Paged) -> list[SummaryRow]:
    """For supervisors and management: where the open findings are (inside the caller's office scope)."""
    return page.window([SummaryRow(**row) for row in await findings.summary(uow, caller)])
