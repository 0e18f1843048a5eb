"""The base of every event payload: frozen, and tolerant of fields added later."""

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    """An event payload; within a schema version changes are additive and unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")
