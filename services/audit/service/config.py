"""Per-cooperative compliance thresholds (R-I2), with defaults for what a cooperative has not set."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.audit.models import ComplianceConfigRow
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


class ComplianceConfig(BaseModel):
    """The thresholds compliance rules use."""

    model_config = ConfigDict(extra="forbid")

    visit_interval_core_days: int = Field(examples=[30], default=30, ge=1, le=365, description="R-M4")
    visit_interval_important_days: int = Field(examples=[60], default=60, ge=1, le=365, description="R-M4")
    visit_interval_ordinary_days: int = Field(examples=[90], default=90, ge=1, le=730, description="R-M4")
    visit_tolerance_days: int = Field(examples=[7], default=7, ge=0, le=90, description="R-M4")
    dissatisfaction_visit_days: int = Field(examples=[14], default=7, ge=1, le=90, description="R-M5")
    rating_warnings: list[str] = Field(
        examples=[["C", "D"]],
        default_factory=lambda: ["C", "D", "E", "watch", "substandard", "doubtful", "loss"],
        max_length=50,
        description="R-I1 ratings that raise an early warning",
    )

    def visit_interval(self, importance: str) -> int:
        """Days between visits for an importance level."""
        return {"core": self.visit_interval_core_days, "important": self.visit_interval_important_days}.get(
            importance, self.visit_interval_ordinary_days
        )


async def config_for(uow: UnitOfWork, org_id: str) -> ComplianceConfig:
    """The cooperative's thresholds inside an open unit of work."""
    row = await uow.session.get(ComplianceConfigRow, org_id)
    return ComplianceConfig.model_validate(row.settings) if row else ComplianceConfig()


async def get_config(uow: UnitOfWork, caller: Principal) -> ComplianceConfig:
    """The thresholds in force for the caller's cooperative."""
    async with uow:
        return await config_for(uow, caller.org_id)


async def set_config(uow: UnitOfWork, cmd: ComplianceConfig, caller: Principal) -> ComplianceConfig:
    """Replace the cooperative's thresholds; they apply to every event from now on."""
    async with uow:
        row = await uow.session.get(ComplianceConfigRow, caller.org_id)
        values: dict[str, Any] = cmd.model_dump()
        if row is None:
            uow.session.add(
                ComplianceConfigRow(
                    org_id=caller.org_id, settings=values, updated_by=caller.user_id, updated_at=utcnow()
                )
            )
        else:
            row.settings, row.updated_by, row.updated_at = values, caller.user_id, utcnow()
        await uow.commit()
    return cmd
