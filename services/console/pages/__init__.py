"""The console's pages, one router per area."""

from fastapi import APIRouter

from services.console.pages import auth, customers, forms, my_day, sso, supervisor

# supervisor before customers: its /customers/new must win over /customers/{customer_id}.
ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    sso.router,
    my_day.router,
    supervisor.router,
    customers.router,
    forms.router,
)
