"""Staffing HTTP API: thin routes that call the service layer."""

from fastapi import APIRouter

from services.staffing.api import (
    certification,
    expenses,
    grading,
    imports,
    ladder,
    logins,
    offices,
    qualification,
    roster,
    teams,
)

ROUTERS: tuple[APIRouter, ...] = (
    roster.router,
    ladder.router,
    qualification.router,
    certification.router,
    grading.router,
    teams.router,
    expenses.router,
    offices.router,
    imports.router,
    logins.router,
)
