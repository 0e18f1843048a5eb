"""Appraisal tables: what it learned from other services, the profit ledger, and the yearly cycles."""

from services.appraisal.models.base import MESSAGING, Base
from services.appraisal.models.cycle import (
    CycleRow,
    EvaluationRow,
    InKindRow,
    ParticipantRow,
    PoolAllocationRow,
    PoolRow,
    ReminderRow,
    ResultRow,
    SampleRow,
)
from services.appraisal.models.ledger import (
    AssignmentPeriodRow,
    GradeSpellRow,
    LadderRow,
    ManagerRow,
    OverspendRow,
    PostingRow,
    PostingTotalRow,
    TeamRow,
)

__all__ = [
    "MESSAGING",
    "AssignmentPeriodRow",
    "Base",
    "CycleRow",
    "EvaluationRow",
    "GradeSpellRow",
    "InKindRow",
    "LadderRow",
    "ManagerRow",
    "OverspendRow",
    "ParticipantRow",
    "PoolAllocationRow",
    "PoolRow",
    "PostingRow",
    "PostingTotalRow",
    "ReminderRow",
    "ResultRow",
    "SampleRow",
    "TeamRow",
]
