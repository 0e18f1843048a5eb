"""Appraisal HTTP API: thin routes that call the service layer."""

from fastapi import APIRouter

from services.appraisal.api import cycles, evaluations, ledger, results

ROUTERS: tuple[APIRouter, ...] = (cycles.router, evaluations.router, results.router, ledger.router)
