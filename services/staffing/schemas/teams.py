"""CM teams (R-C2)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TeamCreate(BaseModel):
    """Form a team under a senior CM."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="The team's name", examples=["城关核心客户小组"], min_length=1, max_length=200
    )
    lead_id: str = Field(
        description="The team lead, a certified senior CM (R-C2)",
        examples=["m-2f1c"],
        min_length=1,
        max_length=64,
    )
    member_ids: list[str] = Field(
        description="Other members", examples=[["m-7a9d", "m-c3e4"]], default_factory=list, max_length=50
    )


class MemberAdd(BaseModel):
    """Add a CM to a team."""

    model_config = ConfigDict(extra="forbid")

    manager_id: str = Field(
        description="The CM joining the team", examples=["m-7a9d"], min_length=1, max_length=64
    )


class TeamRead(BaseModel):
    """A team with its current members."""

    id: str
    name: str
    lead_id: str
    member_ids: list[str]
    created_at: datetime
    dissolved_at: datetime | None


class TeamMemberRead(BaseModel):
    """A current member of a team, with the name its lead needs to split the team's pool (R-A4)."""

    manager_id: str
    name: str
    grade: str | None
    joined_at: datetime
