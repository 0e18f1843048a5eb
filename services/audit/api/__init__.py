"""Audit HTTP API: thin routes that call the service layer."""

from fastapi import APIRouter

from services.audit.api import departures, findings

ROUTERS: tuple[APIRouter, ...] = (departures.router, findings.router)
