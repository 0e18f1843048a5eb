"""The declarative base of the appraisal database and its messaging tables."""

from sqlalchemy.orm import DeclarativeBase

from shared.customer_refs import define_customer_refs
from shared.idempotency import define_idempotency_table
from shared.logins import define_login_links
from shared.office_scope import define_office_tables
from shared.tables import define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the appraisal database."""


MESSAGING = define_messaging_tables(Base.metadata)
IDEMPOTENCY_KEYS = define_idempotency_table(Base.metadata)
CUSTOMER_REFS = define_customer_refs(Base.metadata)
LOGIN_LINKS = define_login_links(Base.metadata)  # a CM's login → manager id (issue 16)
OFFICES = define_office_tables(Base.metadata)  # the office tree and who is where (issue 21)
