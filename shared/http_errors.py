"""How HTTP shows errors: domain errors as 4xx with a message, lost infrastructure as 503."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from shared.errors import DomainError

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """A refused request: a readable message and, when the rules refused it, their code."""

    detail: str
    code: str | None = None


class InvalidRequestBody(BaseModel):
    """422: the input failed validation (a list of problems) or a domain rule (a message and its code)."""

    detail: str | list[dict[str, Any]]
    code: str | None = None


# Documented on every route of the services' routers, so that each answer matches the OpenAPI document:
# the 422 of a refused rule carries a message, not FastAPI's list of validation problems.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The request is malformed"},
    401: {"model": ErrorBody, "description": "Missing, expired or invalid bearer token"},
    403: {"model": ErrorBody, "description": "The caller's roles or rights do not allow this"},
    404: {"model": ErrorBody, "description": "Not found, or not visible to the caller"},
    409: {"model": ErrorBody, "description": "Conflicts with the object's current state"},
    422: {"model": InvalidRequestBody, "description": "Invalid input, or a domain rule refused it"},
    503: {"model": ErrorBody, "description": "The database is unavailable; nothing was changed"},
}


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors to 4xx and lost infrastructure to 503 with a clear message."""

    async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=exc.status_code)

    async def unavailable(_request: Request, exc: Exception) -> JSONResponse:
        log.error("database unavailable: %s", exc)
        return JSONResponse(
            {
                "detail": "the database is unavailable; nothing was changed, retry later",
                "code": "unavailable",
            },
            status_code=503,
            headers={"Retry-After": "5"},
        )

    async def lost_update(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {
                "detail": "the record was changed by someone else meanwhile; reload and retry",
                "code": "conflict",
            },
            status_code=409,
        )

    async def integrity(_request: Request, exc: Exception) -> JSONResponse:
        log.info("integrity error: %s", exc)
        return JSONResponse(
            {
                "detail": "the request conflicts with existing data (a duplicate?); nothing was changed",
                "code": "conflict",
            },
            status_code=409,
        )

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StaleDataError, lost_update)
    app.add_exception_handler(IntegrityError, integrity)
    for kind in (OperationalError, InterfaceError, ConnectionError, TimeoutError):
        app.add_exception_handler(kind, unavailable)

    async def dbapi_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return await unavailable(request, exc)
        raise exc

    app.add_exception_handler(DBAPIError, dbapi_error)
