"""Appraisal settings (env prefix STEWARD_APPRAISAL_)."""

from decimal import Decimal
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.appraisal.domain.pay import LossPolicy
from shared.settings import ServiceSettings


class AppraisalSettings(ServiceSettings):
    """Settings of the appraisal service; a cycle records the weights and policy it opened with."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_APPRAISAL_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "appraisal"
    database_url: str = "sqlite+aiosqlite:///./var/appraisal.db"
    http_port: int = 8003
    auto_open_month: int = Field(default=1, ge=1, le=1, description="R-A1: cycles open in January")
    auto_open_day: int = Field(default=5, ge=1, le=31, description="R-A1: day of January a cycle opens")
    auto_open_check_seconds: float = Field(
        default=3600, ge=0, description="how often to check whether a cycle is due; 0 turns it off"
    )
    deadline_days: int = Field(default=20, ge=1, le=120, description="days to collect evaluations")
    customer_sample_size: int = Field(default=3, ge=0, le=50, description="R-A3 customers asked per CM")
    weight_self: Decimal = Field(default=Decimal("0.20"), ge=0, le=1, description="R-A3 self-assessment")
    weight_customer: Decimal = Field(default=Decimal("0.30"), ge=0, le=1, description="R-A3 customers")
    weight_supervisor: Decimal = Field(default=Decimal("0.50"), ge=0, le=1, description="R-A3 supervisor")
    weight_colleague: Decimal = Field(default=Decimal("0.00"), ge=0, le=1, description="R-A3 colleagues")
    criterion_performance: Decimal = Field(default=Decimal("0.40"), ge=0, le=1, description="R-A3")
    criterion_ability: Decimal = Field(default=Decimal("0.30"), ge=0, le=1, description="R-A3")
    criterion_quality: Decimal = Field(default=Decimal("0.30"), ge=0, le=1, description="R-A3")
    loss_policy: LossPolicy = Field(default=LossPolicy.ZERO, description="R-P1: a loss pays zero or carries")

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Self:
        sources = self.weight_self + self.weight_customer + self.weight_supervisor + self.weight_colleague
        criteria = self.criterion_performance + self.criterion_ability + self.criterion_quality
        if sources != 1 or criteria != 1:
            raise ValueError("R-A3 source weights and criterion weights must each sum to 1")
        return self

    def source_weights(self) -> dict[str, str]:
        """The source weights a new cycle records."""
        return {
            "self": str(self.weight_self),
            "customer": str(self.weight_customer),
            "supervisor": str(self.weight_supervisor),
            "colleague": str(self.weight_colleague),
        }

    def criteria_weights(self) -> dict[str, str]:
        """The criterion weights a new cycle records."""
        return {
            "performance": str(self.criterion_performance),
            "ability": str(self.criterion_ability),
            "quality": str(self.criterion_quality),
        }
