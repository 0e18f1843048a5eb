"""How HTTP shows errors: every 4xx/5xx as an RFC 9457 problem, in the caller's language."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shared.context import current_context
from shared.errors import DomainError
from shared.messages import language_of
from shared.problems import (
    MAX_FIELD_ERRORS,
    MEDIA_TYPE,
    Problem,
    ProblemError,
    field_error,
    problem_response,
    translated,
)

log = logging.getLogger(__name__)

_PROBLEM = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
}


def _documented(description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": _PROBLEM, **extra}


# Documented on every route of the services' routers, so that each answer matches the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("The request is malformed (not UTF-8, not JSON)"),
    401: _documented("Missing, expired or invalid bearer token"),
    403: _documented("The caller's roles or rights do not allow this"),
    404: _documented("Not found, or not visible to the caller"),
    409: _documented("Conflicts with the object's current state"),
    413: _documented("The request body is larger than allowed"),
    415: _documented("The request body is not application/json"),
    422: _documented("Invalid input (see errors), or a domain rule refused it (see rule_id)"),
    429: _documented("Too many write requests from this user", headers=_RETRY_AFTER),
    500: _documented("An unexpected error; nothing to retry until it is fixed"),
    503: _documented("The database is unavailable; nothing was changed", headers=_RETRY_AFTER),
}

_STARLETTE_CODES = {
    400: ("bad_request", "http.bad_request"),
    401: ("unauthorized", "auth.missing_token"),
    403: ("forbidden", "title.forbidden"),
    404: ("not_found", "http.not_found"),
    405: ("method_not_allowed", "http.method_not_allowed"),
    413: ("payload_too_large", "http.body_too_large"),
    415: ("unsupported_media_type", "http.media_type"),
}


def _path(request: Request) -> str:
    return request.url.path


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    language = language_of(request.headers.get("accept-language"))
    return problem_response(
        request.headers, _path(request), exc.status_code, exc.code, exc.text(language), rule_id=exc.rule_id
    )


async def _problem_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request.headers,
        _path(request),
        exc.status,
        exc.code,
        translated(exc.key, exc.params),
        extra_headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    language = language_of(request.headers.get("accept-language"))
    raw = exc.errors()
    shown = [field_error(e, language) for e in raw[:MAX_FIELD_ERRORS]]
    if len(raw) > MAX_FIELD_ERRORS:
        detail = translated("http.validation_more", {"count": len(raw), "shown": MAX_FIELD_ERRORS})
    else:
        detail = translated("http.validation", {"count": len(raw)})
    return problem_response(request.headers, _path(request), 422, "validation_failed", detail, errors=shown)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, key = _STARLETTE_CODES.get(exc.status_code, ("bad_request", "http.bad_request"))
    params = {"path": request.url.path, "method": request.method, "limit": "?"}
    return problem_response(
        request.headers,
        _path(request),
        exc.status_code,
        code,
        translated(key, params),
        extra_headers=dict(exc.headers or {}),
    )


async def _unavailable(request: Request, exc: Exception) -> Response:
    log.error("database unavailable: %s", exc)
    return problem_response(
        request.headers,
        _path(request),
        503,
        "unavailable",
        translated("http.unavailable"),
        extra_headers={"Retry-After": "5"},
    )


async def _lost_update(request: Request, _exc: Exception) -> Response:
    return problem_response(request.headers, _path(request), 409, "conflict", translated("http.lost_update"))


async def _integrity(request: Request, exc: Exception) -> Response:
    log.info("integrity error: %s", exc)
    return problem_response(request.headers, _path(request), 409, "conflict", translated("http.duplicate"))


async def _internal(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    correlation = {"correlation_id": current_context().correlation_id}
    return problem_response(
        request.headers, _path(request), 500, "internal_error", translated("http.internal_error", correlation)
    )


# SQLSTATE classes that say the database cannot serve now, not that the request is wrong:
# 08 connection exception, 53 insufficient resources (too many connections), 57P0x shutting down or starting.
_UNAVAILABLE_SQLSTATES = ("08", "53", "57P0")


def _database_busy(exc: DBAPIError) -> bool:
    """True when the driver says the database is out of connections, starting or going away."""
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES)


async def _dbapi_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or _database_busy(exc)):
        return await _unavailable(request, exc)
    return await _internal(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    """Every error an app can raise answers as a problem: rules, validation, HTTP, database, the rest."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(StaleDataError, _lost_update)
    app.add_exception_handler(IntegrityError, _integrity)
    for kind in (OperationalError, InterfaceError, ConnectionError, TimeoutError, PoolTimeout):
        app.add_exception_handler(kind, _unavailable)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(Exception, _internal)


def document_problems(openapi: dict[str, Any]) -> dict[str, Any]:
    """Every operation's error answers as problems: FastAPI's own 422 too, and 500 on every operation."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for methods in openapi.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("500", _documented(ERROR_RESPONSES[500]["description"]))
            for status, answer in responses.items():
                if status[0] in "45":
                    answer["content"] = _PROBLEM
    return openapi
