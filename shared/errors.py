"""Domain errors every service raises; pure Python so that domain modules may use them."""


class DomainError(Exception):
    """A request the rules refuse; carries the HTTP status and a readable message."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it does."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The object's current state does not allow this (already departed, duplicate number)."""

    status_code = 409
    code = "conflict"


class RuleViolation(DomainError):
    """The request breaks a domain rule; the message names the rule."""

    status_code = 422
    code = "rule_violation"
