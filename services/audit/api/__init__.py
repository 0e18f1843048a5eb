"""Audit HTTP API: thin routes that call the service layer."""

from fastapi import APIRouter

from services.audit.api import compliance, departures, findings, spot_checks

ROUTERS: tuple[APIRouter, ...] = (departures.router, findings.router, spot_checks.router, compliance.router)
