"""Customer HTTP schemas: XCreate for input, XRead for output."""

from services.customer.schemas.files import (
    AssignmentRead,
    AssignmentSet,
    AttributionModel,
    ClassificationModel,
    CustomerCreate,
    CustomerPatch,
    CustomerRead,
    ManagerProjectionRead,
    ReassignmentCreate,
    ReassignmentRead,
    RosterFields,
    Section,
    SectionRead,
    SectionWrite,
)

__all__ = [
    "AssignmentRead",
    "AssignmentSet",
    "AttributionModel",
    "ClassificationModel",
    "CustomerCreate",
    "CustomerPatch",
    "CustomerRead",
    "ManagerProjectionRead",
    "ReassignmentCreate",
    "ReassignmentRead",
    "RosterFields",
    "Section",
    "SectionRead",
    "SectionWrite",
]
