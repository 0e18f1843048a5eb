"""Payloads published by appraisal on `appraisal.results` (key: manager id)."""

from pydantic import Field

from shared.contracts.base import Payload


class GradeProposed(Payload):
    """R-Q8: after the yearly appraisal, a proposal to promote, keep, demote or remove a CM."""

    manager_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2000, le=2200)
    kind: str = Field(pattern="^(promote|keep|demote|remove)$")
    reason: str = Field(min_length=1, max_length=1000)
