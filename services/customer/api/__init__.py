"""Customer HTTP API: thin routes that call the service layer."""

from fastapi import APIRouter

from services.customer.api import access, assignments, credit, files, imports, pipeline, value, visits

ROUTERS: tuple[APIRouter, ...] = (
    files.router,
    assignments.router,
    credit.router,
    visits.router,
    value.router,
    pipeline.router,
    access.router,
    imports.router,
)
