"""What appraisal keeps of staffing's CMs and teams: who is on the post, and who is in a team (R-A4)."""

from collections.abc import Iterable

ON_POST, LEAVING, LEFT = "on_post", "leaving", "left"


def registered(current: str) -> str:
    """A CM who took up the post is on it; one who left stays left."""
    return _unless_left(current, ON_POST)


def departure_requested(current: str) -> str:
    """A CM who asked to leave is leaving until audit clears the departure (R-I6)."""
    return _unless_left(current, LEAVING)


def departure_withdrawn(current: str) -> str:
    """A CM who withdrew the request is back on the post."""
    return _unless_left(current, ON_POST)


def departed(current: str) -> str:
    """A CM who departed has left, for good."""
    return LEFT


def _unless_left(current: str, standing: str) -> str:
    return current if current == LEFT else standing


def standing_on_grade(current: str, to_grade: str | None) -> str:
    """R-Q8: a CM moved off the post (no grade) has left; a change of grade leaves the standing as it was."""
    return LEFT if to_grade is None else current


def team_members(lead_id: str, member_ids: Iterable[str]) -> list[str]:
    """R-A4: a team's members in order, its lead among them."""
    return sorted({lead_id, *member_ids})
