"""Audit HTTP schemas."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.audit.domain.departure import AuditStatus, ItemStatus
from services.audit.domain.settings import MAX_DAYS_AHEAD
from shared.contracts.audit import CooperativeSettings
from shared.money import Money


class Severity(StrEnum):
    """How serious a finding is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ItemRead(BaseModel):
    """One customer under review."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: str
    customer_name: str
    customer_kind: str
    source: str
    status: ItemStatus
    note: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None


class DepartureAuditRead(BaseModel):
    """A departure audit with its progress."""

    id: str
    org_id: str
    manager_id: str
    status: AuditStatus
    portfolio_received: bool
    requested_at: datetime | None
    opened_at: datetime
    cleared_at: datetime | None
    items_done: int
    items_total: int
    items: list[ItemRead]


class WaitingRead(BaseModel):
    """A departure waiting on audit, and for how long."""

    audit_id: str
    manager_id: str
    status: AuditStatus
    waiting_hours: Decimal
    items_done: int
    items_total: int
    open_findings: int


class ItemClear(BaseModel):
    """An auditor's finding that a customer is clear."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(
        description="What audit checked for this customer",
        examples=["贷款档案齐全，无违规。"],
        min_length=1,
        max_length=4000,
    )


class FindingCreate(BaseModel):
    """A problem found while reviewing a customer."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        description="What audit found",
        examples=["2025年贷款调查报告缺少抵押物评估。"],
        min_length=1,
        max_length=4000,
    )
    severity: Severity = Field(examples=["medium"])
    amount_at_risk: Money | None = Field(
        default=None, description="Yuan at risk, a string with two decimals", examples=["150000.00"]
    )
    evidence: str = Field(
        default="",
        description="What the auditor saw (documents, figures); kept among the finding's evidence",
        examples=["贷款档案第12页：抵押物评估报告缺失。"],
        max_length=4000,
    )


class FindingResolve(BaseModel):
    """How the finding was remediated."""

    model_config = ConfigDict(extra="forbid")

    remediation: str = Field(
        description="How the finding was remedied",
        examples=["已补充抵押物评估报告并归档。"],
        min_length=1,
        max_length=4000,
    )


class FindingRead(BaseModel):
    """A finding with its evidence and remediation."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    rule_id: str
    manager_id: str | None
    customer_id: str | None
    audit_item_id: int | None
    severity: Severity
    description: str
    amount_at_risk: Money | None
    evidence: list[str]
    status: str
    raised_by: str
    raised_at: datetime
    remediation: str | None
    resolved_by: str | None
    resolved_at: datetime | None


class JournalCheck(BaseModel):
    """The result of walking the hash chain."""

    ok: bool
    rows_checked: int
    first_broken_seq: int | None


class SpotCheckCreate(BaseModel):
    """Draw a sample for a regular or random spot check (R-I5)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["regular", "random"] = Field(
        default="random", description="Regular or random (R-I5)", examples=["random"]
    )
    population: Literal["customers", "visits", "recommendations", "expenses"] = Field(
        description="What is sampled", examples=["customers"]
    )
    sample_size: int = Field(description="How many items are drawn", examples=[20], ge=1, le=1000)
    strata: Literal["none", "manager", "branch"] = Field(
        default="none", description="Stratified by CM, by branch or not at all", examples=["manager"]
    )
    seed: int | None = Field(
        examples=[20260401], default=None, ge=0, le=2**63 - 1, description="omit for a fresh random seed"
    )


class SpotCheckItemRead(BaseModel):
    """One sampled subject under review."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    subject_id: str
    status: ItemStatus
    note: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None


class SpotCheckRead(BaseModel):
    """A spot check: how it was drawn (seed, population size) and its items."""

    id: str
    kind: str
    population: str
    strata: str
    seed: int
    sample_size: int
    population_size: int
    created_by: str
    created_at: datetime
    items: list[SpotCheckItemRead]


class Reproduction(BaseModel):
    """Whether drawing again from the recorded population with the recorded seed gives the same sample."""

    reproduced: bool
    sample: list[str]


class ComplianceConfig(CooperativeSettings):
    """The settings as the API reads and writes them; a field left out of a write keeps its value."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SettingsWrite(ComplianceConfig):
    """A change of the settings, from now or from a later day."""

    effective_from: date | None = Field(
        default=None,
        examples=["2027-01-01"],
        description=f"the day the values take effect (today to {MAX_DAYS_AHEAD} days ahead); left out: now",
    )
    # GET's own body may be sent back with a field changed (read, modify, write): what GET lists as
    # scheduled is read-only and ignored here.
    scheduled: list["SettingsVersion"] | None = Field(
        default=None, description="read-only (as GET shows it); ignored on a write"
    )


class SettingsVersion(ComplianceConfig):
    """One version of the settings and the moment it takes effect (null: the defaults, never set)."""

    effective_from: datetime | None = Field(
        default=None,
        examples=["2027-01-01T00:00:00Z"],
        description="the moment these values take effect (UTC); null: the defaults, never set",
    )


class SettingsView(SettingsVersion):
    """The version in force now, and the versions scheduled to take effect later."""

    scheduled: list[SettingsVersion] = Field(default_factory=list)


SettingsWrite.model_rebuild()
