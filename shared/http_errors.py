"""How HTTP shows errors: domain errors as 4xx with a message, lost infrastructure as 503."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from shared.errors import DomainError

log = logging.getLogger(__name__)


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
