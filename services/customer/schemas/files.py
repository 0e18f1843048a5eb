"""Customer HTTP schemas."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.customer.domain.assignment import AssignmentRole, AttributionMode
from services.customer.domain.classification import (
    Abnormality,
    Classification,
    CustomerKind,
    Importance,
    Size,
)
from shared.money import Money

Id = Field(min_length=1, max_length=64)
EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
ID_DOCUMENT = r"^[0-9A-Za-z][0-9A-Za-z -]{3,62}[0-9A-Za-z]$"


class ClassificationModel(BaseModel):
    """R-C1/R-C3 classification of a customer."""

    model_config = ConfigDict(extra="forbid")

    size: Size | None = None
    core: bool = False
    major_value: bool = False
    complex_needs: bool = False
    investment_needs: bool = False
    first_development: bool = False
    risk_business: bool = False
    risk_amount: Money = Decimal("0")
    abnormal: Abnormality = Abnormality.NONE
    potential_risk: bool = False
    new_product_user: bool = False
    control_requested: bool = False

    def to_domain(self) -> Classification:
        """The domain's value, with typed fields (`model_dump` turns Money into a string)."""
        return Classification(**{name: getattr(self, name) for name in type(self).model_fields})


class AttributionModel(BaseModel):
    """R-A4: shares per CM summing to 100, or a team pool."""

    model_config = ConfigDict(extra="forbid")

    mode: AttributionMode = AttributionMode.SHARES
    shares: dict[str, Money] = Field(default_factory=dict, max_length=20, description="percent per CM")


class AssignmentSet(BaseModel):
    """Who serves the customer from now on."""

    model_config = ConfigDict(extra="forbid")

    primary_manager_id: str = Id
    co_manager_ids: list[str] = Field(default_factory=list, max_length=20)
    team_id: str | None = Field(default=None, max_length=64)
    attribution: AttributionModel = Field(default_factory=AttributionModel)
    reason: str = Field(default="", max_length=1000)


class RosterFields(BaseModel):
    """R-C4 roster fields a CM or supervisor maintains."""

    model_config = ConfigDict(extra="forbid")

    branch: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, max_length=500)
    contact: str | None = Field(default=None, max_length=200)
    relationship_evaluation: str | None = Field(default=None, max_length=4000)
    cooperation_direction: str | None = Field(default=None, max_length=4000)
    importance: Importance = Importance.ORDINARY
    external_id: str | None = Field(
        default=None,
        pattern=EXTERNAL_ID,
        description="Core banking's customer number, unique in the cooperative; core-banking messages "
        "(v2) may name the customer by it.",
    )


class IdDocument(BaseModel):
    """An ID-document number: kept only as a keyed hash, never stored or shown in clear."""

    id_document: str | None = Field(
        default=None,
        pattern=ID_DOCUMENT,
        description="ID-document number (e.g. resident ID); stored as an HMAC-SHA256 only, "
        "found again by exact match with `GET /customers?id_document=`.",
    )


class CustomerCreate(RosterFields, AssignmentSet, IdDocument):
    """Open a customer file with its classification and the CMs serving it."""

    name: str = Field(min_length=1, max_length=200)
    kind: CustomerKind
    classification: ClassificationModel = Field(default_factory=ClassificationModel)


class CustomerPatch(RosterFields, IdDocument):
    """The roster fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")


class AssignmentRead(BaseModel):
    """A CM serving the customer (current or past)."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    role: AssignmentRole
    share: Money | None
    valid_from: datetime
    valid_to: datetime | None
    changed_by: str | None
    reason: str | None


class CustomerRead(RosterFields):
    """A customer file as its CMs see it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    org_id: str
    file_no: str
    name: str
    kind: CustomerKind
    deposit_balance: Money | None
    loan_balance: Money | None
    overdue_balance: Money | None
    balances_as_of: datetime | None
    classification: ClassificationModel
    team_id: str | None
    attribution_mode: AttributionMode
    compliant: bool
    compliance_issues: list[str]
    created_at: datetime
    managers: list[AssignmentRead]
    has_id_document: bool = Field(default=False, description="an ID-document number is on file (hashed)")


class Section(StrEnum):
    """R-C6 information sections of the customer file."""

    FINANCE = "finance"
    PRODUCTION = "production"
    SALES = "sales"
    MANAGEMENT = "management"
    INDUSTRY_MARKET = "industry_market"


class SectionWrite(BaseModel):
    """A new version of a section; earlier versions are kept (R-R3)."""

    model_config = ConfigDict(extra="forbid")

    content: str = Field(min_length=1, max_length=20000)


class SectionRead(BaseModel):
    """One version of a section, with author and time."""

    model_config = ConfigDict(from_attributes=True)

    section: Section
    version: int
    content: str
    author: str
    written_at: datetime


class ReassignmentCreate(BaseModel):
    """Move customers from one CM to another, in the same role, checked by the same rules."""

    model_config = ConfigDict(extra="forbid")

    from_manager_id: str = Id
    to_manager_id: str = Id
    customer_ids: list[str] | None = Field(default=None, max_length=5000)
    reason: str = Field(min_length=1, max_length=1000)


class ReassignmentRead(BaseModel):
    """The customers that moved."""

    moved: list[str]


class ManagerProjectionRead(BaseModel):
    """What customer service knows of a CM."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    name: str
    grade: str
    status: str
    certified_until: date | None
    updated_at: datetime
