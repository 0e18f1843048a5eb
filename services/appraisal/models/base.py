"""The declarative base of the appraisal database and its messaging tables."""

from sqlalchemy.orm import DeclarativeBase

from shared.tables import define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the appraisal database."""


MESSAGING = define_messaging_tables(Base.metadata)
