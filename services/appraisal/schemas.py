"""Appraisal HTTP schemas."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from services.appraisal.domain import ManagerStanding


class ObservedManagerRead(BaseModel):
    """A CM as appraisal knows them."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    name: str
    grade: str
    standing: ManagerStanding
    last_event_type: str
    events_seen: int
    updated_at: datetime
