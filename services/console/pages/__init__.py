"""The console's pages, one router per area."""

from fastapi import APIRouter

from services.console.pages import (
    access_log,
    appraisal,
    auditor,
    auth,
    customers,
    forms,
    hr,
    hr_grades,
    hr_ladder,
    imports,
    management,
    my_day,
    sso,
    supervisor,
    thresholds,
)

# supervisor before customers: its /customers/new must win over /customers/{customer_id}.
ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    sso.router,
    my_day.router,
    supervisor.router,
    customers.router,
    forms.router,
    hr.router,
    hr_grades.router,
    hr_ladder.router,
    imports.router,
    auditor.router,
    appraisal.router,
    management.router,
    thresholds.router,
    access_log.router,
)
