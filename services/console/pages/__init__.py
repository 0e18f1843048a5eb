"""The console's pages, one router per area."""

from fastapi import APIRouter

from services.console.pages import auth, customers, forms, my_day, supervisor

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    my_day.router,
    customers.router,
    forms.router,
    supervisor.router,
)
