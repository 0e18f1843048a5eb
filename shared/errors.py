"""Domain errors every service raises; pure Python so that domain modules may use them.

A refusal names a message key of the catalogue (`shared.messages`) and its parameters, e.g.
`RuleViolation("customer.assignment.primary_is_co_manager")` or
`NotFound("customer.not_found", customer_id=customer_id)`; HTTP shows it in the caller's language
with the DOMAIN rule it names as `rule_id`. A text that is not a key is shown as it is (English only).
"""

from shared.messages import MAX_ECHO, clip, render, rule_of


class DomainError(Exception):
    """A request the rules refuse; carries the HTTP status, a message key, its parameters and rule."""

    status_code = 400
    code = "bad_request"

    def __init__(self, key: str, /, *, rule: str | None = None, **params: object) -> None:
        self.key = key
        self.params = params
        self.message = self.text("en")
        self.rule_id = rule or rule_of(key, self.message)
        super().__init__(self.message)

    def text(self, language: str) -> str:
        """The message in a language of `shared.messages.LANGUAGES`."""
        return render(self.key, language, self.params) or clip(self.key, MAX_ECHO * 2)


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
