"""Bulk reassignment (R-I6, R-C3): a CM's customers move to another CM in the same role, all or none."""

from collections.abc import Collection, Sequence

from shared.errors import RuleViolation


def check_managers(from_manager: str, to_manager: str) -> None:
    """Customers move from one CM to another, never to the same one."""
    if from_manager == to_manager:
        raise RuleViolation("customer.reassignment.same_manager")


def check_all_served(asked: Collection[str] | None, found: int, from_manager: str) -> None:
    """Every customer named is one the CM serves now (within the caller's scope)."""
    if asked is not None and found != len(set(asked)):
        raise RuleViolation("customer.reassignment.not_served", from_manager_id=from_manager)


def check_none_refused(refused: Sequence[tuple[str, RuleViolation]]) -> None:
    """All or nothing: one customer whose new team breaks a rule stops the move; each refusal is named."""
    if refused:
        failures = [RuleViolation("customer.reassignment.failed", file_no=f, reason=e) for f, e in refused]
        raise RuleViolation("customer.reassignment.none_moved", failures=failures)
