"""Appraisal rules, free of I/O; the yearly cycle (R-A1..R-A4) comes with the appraisal issue."""

from enum import StrEnum


class ManagerStanding(StrEnum):
    """Whether a CM is still to be appraised this year."""

    ON_POST = "on_post"
    LEAVING = "leaving"
    LEFT = "left"


STANDING_AFTER = {
    "manager.registered": ManagerStanding.ON_POST,
    "manager.departure-requested": ManagerStanding.LEAVING,
    "manager.departed": ManagerStanding.LEFT,
}


def standing_after(event_type: str, current: ManagerStanding | None) -> ManagerStanding:
    """A CM who left stays left, whatever order late events arrive in."""
    new = STANDING_AFTER[event_type]
    if current is ManagerStanding.LEFT:
        return current
    return new
