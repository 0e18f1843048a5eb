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

EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
ID_DOCUMENT = r"^[0-9A-Za-z][0-9A-Za-z -]{3,62}[0-9A-Za-z]$"


class ClassificationModel(BaseModel):
    """R-C1/R-C3 classification of a customer."""

    model_config = ConfigDict(extra="forbid")

    size: Size | None = Field(default=None, description="Customer size (R-C3)", examples=["medium"])
    core: bool = Field(default=False, description="A core customer (R-C1, R-C3)", examples=[False])
    major_value: bool = Field(
        default=False, description="Of major value to the cooperative", examples=[False]
    )
    complex_needs: bool = Field(
        default=False, description="Complex (advisory) needs (R-C1)", examples=[False]
    )
    investment_needs: bool = Field(
        default=False, description="Investment or capital-operation needs (R-C1)", examples=[False]
    )
    first_development: bool = Field(
        default=False, description="Being developed for the first time (R-C1, R-C3)", examples=[True]
    )
    risk_business: bool = Field(
        default=False, description="Has risk business, e.g. a loan (R-C3)", examples=[True]
    )
    risk_amount: Money = Field(
        default=Decimal("0"),
        description="The risk business amount in yuan, as a string with two decimals",
        examples=["800000.00"],
    )
    abnormal: Abnormality = Field(default=Abnormality.NONE, examples=["none"])
    potential_risk: bool = Field(
        default=False, description="At risk or potentially at risk (R-C3)", examples=[False]
    )
    new_product_user: bool = Field(default=False, description="Uses a new product (R-C3)", examples=[False])
    control_requested: bool = Field(
        default=False,
        description="A product department or internal control asked for two CMs (R-C3)",
        examples=[False],
    )

    def to_domain(self) -> Classification:
        """The domain's value, with typed fields (`model_dump` turns Money into a string)."""
        return Classification(**{name: getattr(self, name) for name in type(self).model_fields})


class AttributionModel(BaseModel):
    """R-A4: shares per CM summing to 100, or a team pool."""

    model_config = ConfigDict(extra="forbid")

    mode: AttributionMode = Field(
        default=AttributionMode.SHARES,
        description="shares: per-CM percentages; team_pool: the team lead splits",
        examples=["shares"],
    )
    shares: dict[str, Money] = Field(
        examples=[{"m-2f1c": "60.00", "m-7a9d": "40.00"}],
        default_factory=dict,
        max_length=20,
        description="percent per CM",
    )


class AssignmentSet(BaseModel):
    """Who serves the customer from now on."""

    model_config = ConfigDict(extra="forbid")

    primary_manager_id: str = Field(
        min_length=1,
        max_length=64,
        description="The primary responsible CM (第一负责人)",
        examples=["m-2f1c"],
    )
    co_manager_ids: list[str] = Field(
        description="Other CMs serving the customer",
        examples=[["m-7a9d"]],
        default_factory=list,
        max_length=20,
    )
    team_id: str | None = Field(
        description="The CM team serving the customer, if any (R-C2)",
        examples=["t-31b0"],
        default=None,
        max_length=64,
    )
    attribution: AttributionModel = Field(
        description="How profit is attributed (R-A4)", default_factory=AttributionModel
    )
    reason: str = Field(
        description="Why the customer is (re)assigned",
        examples=["原客户经理调岗，客户移交。"],
        default="",
        max_length=1000,
    )


class RosterFields(BaseModel):
    """R-C4 roster fields a CM or supervisor maintains."""

    model_config = ConfigDict(extra="forbid")

    branch: str | None = Field(
        description="The branch (网点) the customer belongs to",
        examples=["城关信用社"],
        default=None,
        max_length=64,
    )
    address: str | None = Field(
        description="Address", examples=["湖南省浏阳市城关镇新民路18号"], default=None, max_length=500
    )
    contact: str | None = Field(
        description="Contact: a phone number or a person",
        examples=["+86 138 0013 8000"],
        default=None,
        max_length=200,
    )
    relationship_evaluation: str | None = Field(
        description="Evaluation of the relationship (合作关系评价)",
        examples=["合作五年，关系稳定。"],
        default=None,
        max_length=4000,
    )
    cooperation_direction: str | None = Field(
        description="Direction of business cooperation (业务合作方向)",
        examples=["存款、农户贷款、代收代付"],
        default=None,
        max_length=4000,
    )
    importance: Importance = Field(default=Importance.ORDINARY, examples=["important"])
    external_id: str | None = Field(
        default=None,
        pattern=EXTERNAL_ID,
        description="Core banking's customer number, unique in the cooperative; core-banking messages "
        "(v2) may name the customer by it.",
        examples=["6210330012345678"],
    )


class IdDocument(BaseModel):
    """An ID-document number: kept only as a keyed hash, never stored or shown in clear."""

    id_document: str | None = Field(
        default=None,
        pattern=ID_DOCUMENT,
        description="ID-document number (e.g. resident ID); stored as an HMAC-SHA256 only, "
        "found again by exact match with `GET /customers?id_document=`.",
        examples=["11010519491231002X"],
    )


class CustomerCreate(RosterFields, AssignmentSet, IdDocument):
    """Open a customer file with its classification and the CMs serving it."""

    name: str = Field(
        description="The customer's name", examples=["绿野家庭农场"], min_length=1, max_length=200
    )
    kind: CustomerKind = Field(description="Customer kind", examples=["farm_household"])
    classification: ClassificationModel = Field(
        description="What R-C1 and R-C3 look at", default_factory=ClassificationModel
    )


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
    office_id: str | None = Field(default=None, description="the office it belongs to; none: head office")


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

    content: str = Field(
        description="The section's new text (a new version; earlier ones are kept)",
        examples=["2025年营业收入1,280万元，净利润96万元。"],
        min_length=1,
        max_length=20000,
    )


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

    from_manager_id: str = Field(
        min_length=1, max_length=64, description="The CM handing customers over", examples=["m-2f1c"]
    )
    to_manager_id: str = Field(
        min_length=1, max_length=64, description="The CM taking them over", examples=["m-7a9d"]
    )
    customer_ids: list[str] | None = Field(
        description="Which customers; all of the CM's when absent",
        examples=[["c-8e21", "c-90b4"]],
        default=None,
        max_length=5000,
    )
    reason: str = Field(
        description="Why", examples=["客户经理离岗，客户整体移交。"], min_length=1, max_length=1000
    )


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
