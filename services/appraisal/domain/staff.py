"""What appraisal keeps of staffing's CMs and teams: who is on the post, and who is in a team (R-A4)."""

from collections.abc import Iterable

LEFT = "left"
STANDING_AFTER = {
    "manager.registered": "on_post",
    "manager.departure-requested": "leaving",
    "manager.departure-withdrawn": "on_post",
    "manager.departed": LEFT,
}


def standing_after(current: str, event_type: str) -> str:
    """A CM's standing after a staffing event: on the post, leaving, back or left; left stays left."""
    return current if current == LEFT else STANDING_AFTER[event_type]


def standing_on_grade(current: str, to_grade: str | None) -> str:
    """R-Q8: a CM moved off the post (no grade) has left; a change of grade leaves the standing as it was."""
    return LEFT if to_grade is None else current


def team_members(lead_id: str, member_ids: Iterable[str]) -> list[str]:
    """R-A4: a team's members in order, its lead among them."""
    return sorted({lead_id, *member_ids})
