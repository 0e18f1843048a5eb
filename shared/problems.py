"""RFC 9457 problem details: the one shape of every 4xx and 5xx answer, in the caller's language."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from shared.messages import MAX_ECHO, clip, language_of, render
from shared.messages.http import PROBLEM_CODES, VALIDATOR_ZH

MEDIA_TYPE = "application/problem+json"
MAX_FIELD_ERRORS = 20


class FieldError(BaseModel):
    """One invalid input: where it is and what is wrong with it."""

    loc: list[str | int] = Field(description='Where: ["body", "amount"], ["query", "limit"], ["path", "id"]')
    pointer: str | None = Field(description="JSON pointer into the request body (RFC 6901), e.g. /amount")
    message: str = Field(description="What is wrong, in the caller's language")


class Problem(BaseModel):
    """An error answer (RFC 9457, application/problem+json) with a stable code and, for rules, the rule id."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/rule_violation",
                    "title": "业务规则不允许",
                    "status": 422,
                    "detail": "第一负责人不能同时担任协办客户经理（R-C3）",
                    "instance": "/customers/c-5f2a9b01d3e4/assignment",
                    "code": "rule_violation",
                    "rule_id": "R-C3",
                    "errors": [],
                },
                {
                    "type": "/problems/validation_failed",
                    "title": "Invalid input",
                    "status": 422,
                    "detail": "1 field(s) of the request are invalid; see errors",
                    "instance": "/managers/m-3c1d2e4f5a6b/expenses",
                    "code": "validation_failed",
                    "rule_id": None,
                    "errors": [
                        {
                            "loc": ["body", "amount"],
                            "pointer": "/amount",
                            "message": "must have at most 2 decimal place(s)",
                        }
                    ],
                },
            ]
        }
    )

    type: str = Field(description="/problems/<code>: a page that explains the code")
    title: str = Field(description="Short summary of the code, in the caller's language (Accept-Language)")
    status: int = Field(description="The HTTP status")
    detail: str = Field(description="What happened in this case, in the caller's language")
    instance: str = Field(description="The request path")
    code: str = Field(description="Stable, machine-readable code; the list is at docs/integration.md")
    rule_id: str | None = Field(
        description="The DOMAIN rule that refused the request (R-C3, ...), if one did"
    )
    errors: list[FieldError] = Field(description="The invalid fields, for input that failed validation")


class ProblemError(Exception):
    """Raised by the HTTP layer (auth, limits) to answer with a problem of a code and message key."""

    def __init__(
        self,
        status: int,
        code: str,
        key: str,
        params: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(render(key, "en", params or {}) or key)
        self.status, self.code, self.key = status, code, key
        self.params = dict(params or {})
        self.headers = dict(headers or {})


def problem_response(
    headers: Headers,
    path: str,
    status: int,
    code: str,
    detail: Mapping[str, str] | str,
    *,
    rule_id: str | None = None,
    errors: Sequence[FieldError] = (),
    extra_headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The problem answer; `detail` maps each language to its text (or one text for all languages)."""
    language = language_of(headers.get("accept-language"))
    text = detail if isinstance(detail, str) else detail.get(language) or detail["en"]
    title_code = code if code in PROBLEM_CODES else "bad_request"
    body = Problem(
        type=f"/problems/{code}",
        title=render(f"title.{title_code}", language, {}) or code,
        status=status,
        detail=clip(text, MAX_ECHO * 5),
        instance=clip(path),
        code=code,
        rule_id=rule_id,
        errors=list(errors),
    )
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers={"Content-Language": language, **(extra_headers or {})},
    )


def translated(key: str, params: Mapping[str, object] | None = None) -> dict[str, str]:
    """The message of a key in every language."""
    return {lang: render(key, lang, params or {}) or key for lang in ("en", "zh-CN")}


# pydantic's error types -> the catalogue's field messages and the context they show
FIELD_MESSAGES: dict[str, str] = {
    "missing": "field.missing",
    "extra_forbidden": "field.extra_forbidden",
    "string_type": "field.string_type",
    "string_too_short": "field.string_too_short",
    "string_too_long": "field.string_too_long",
    "string_pattern_mismatch": "field.string_pattern_mismatch",
    "int_parsing": "field.integer",
    "int_type": "field.integer",
    "int_from_float": "field.integer",
    "int_parsing_size": "field.integer",
    "float_parsing": "field.number",
    "float_type": "field.number",
    "decimal_parsing": "field.number",
    "decimal_type": "field.number",
    "decimal_max_places": "field.decimal_places",
    "decimal_max_digits": "field.decimal_digits",
    "decimal_whole_digits": "field.decimal_digits",
    "greater_than": "field.greater_than",
    "greater_than_equal": "field.greater_than_equal",
    "less_than": "field.less_than",
    "less_than_equal": "field.less_than_equal",
    "enum": "field.one_of",
    "literal_error": "field.one_of",
    "bool_parsing": "field.bool",
    "bool_type": "field.bool",
    "date_parsing": "field.date",
    "date_type": "field.date",
    "date_from_datetime_parsing": "field.date",
    "date_from_datetime_inexact": "field.date",
    "datetime_parsing": "field.datetime",
    "datetime_type": "field.datetime",
    "datetime_from_date_parsing": "field.datetime",
    "datetime_object_invalid": "field.datetime",
    "timezone_aware": "field.timezone",
    "list_type": "field.list",
    "tuple_type": "field.list",
    "set_type": "field.list",
    "dict_type": "field.object",
    "model_type": "field.object",
    "model_attributes_type": "field.object",
    "too_short": "field.too_short",
    "too_long": "field.too_long",
    "finite_number": "field.finite",
    "json_invalid": "field.json",
    "json_type": "field.json",
}


def _context(error: Mapping[str, Any]) -> dict[str, object]:
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace("'", "")
    return {k: v for k, v in ctx.items() if isinstance(v, (str, int, float)) or type(v).__name__ == "Decimal"}


def _reason(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


_VALIDATORS_ZH = [(re.compile(pattern), template) for pattern, template in VALIDATOR_ZH]


def _validator_in_chinese(reason: str) -> str | None:
    for pattern, template in _VALIDATORS_ZH:
        found = pattern.match(reason)
        if found:
            return template.format(*found.groups())
    return None


def field_error(error: Mapping[str, Any], language: str) -> FieldError:
    """One of pydantic's errors as a person reads it: no input echoed, no Python repr."""
    loc = [part if isinstance(part, int) else clip(str(part)) for part in error.get("loc", ())]
    key = FIELD_MESSAGES.get(str(error.get("type")))
    params = _context(error)
    try:
        text = render(key, language, params) if key else None
    except (KeyError, IndexError, ValueError):  # a context pydantic did not give
        text = None
    if text is None:
        reason = _reason(error)
        text = _validator_in_chinese(reason) if language == "zh-CN" else None
        text = text or render("field.value_error", language, {"reason": reason}) or ""
    pointer = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in loc[1:]) if loc else None
    return FieldError(loc=loc, pointer=pointer if loc and loc[0] == "body" else None, message=clip(text))
