"""`GET /customers?q=`: a name's beginning, a file number, a phone number's end, core banking's number."""

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import InstrumentedAttribute

from services.customer.domain.identity import name_key, phone_query, prefix_range
from services.customer.models import CustomerRow


def _starts_with(column: InstrumentedAttribute[str | None], prefix: str, dialect: str) -> ColumnElement[bool]:
    """Index-friendly prefix test: a range, compared byte-wise on PostgreSQL (the index's pattern ops)."""
    low, high = prefix_range(prefix)
    if dialect == "postgresql":
        return column.op("~>=~", is_comparison=True)(low) & column.op("~<~", is_comparison=True)(high)
    return (column >= low) & (column < high)


def matching(text: str, dialect: str) -> ColumnElement[bool]:
    """Customers the search text finds; each branch is served by an index of (org_id, ...)."""
    text = text.strip()
    if not text:
        return false()
    branches = [
        CustomerRow.file_no == text.upper(),
        CustomerRow.external_id == text,
    ]
    if folded := name_key(text):
        branches.append(_starts_with(CustomerRow.name_key, folded, dialect))
    if phone := phone_query(text):
        branches.append(_starts_with(CustomerRow.phone_key, phone, dialect))
    return or_(*branches)
