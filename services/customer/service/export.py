"""Roster export (R-C4) as CSV or XLSX, with the roster's columns, filtered like the roster."""

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from services.customer.schemas import CustomerRead
from shared.spreadsheet import safe_cell

COLUMNS = (
    ("file_no", "File number"),
    ("name", "Name"),
    ("kind", "Kind"),
    ("branch", "Branch"),
    ("address", "Address"),
    ("contact", "Contact"),
    ("deposit_balance", "Deposits"),
    ("loan_balance", "Loans"),
    ("relationship_evaluation", "Relationship evaluation"),
    ("cooperation_direction", "Cooperation direction"),
    ("importance", "Importance"),
    ("primary", "Primary CM"),
    ("co_managers", "Co-managers"),
    ("external_id", "Core banking number"),
)


def _cells(c: CustomerRead) -> list[str]:
    primary = next((m.manager_id for m in c.managers if m.role == "primary"), "")
    co = ";".join(m.manager_id for m in c.managers if m.role != "primary")
    values = {**c.model_dump(mode="json"), "primary": primary, "co_managers": co}
    return ["" if values.get(key) is None else str(values[key]) for key, _ in COLUMNS]


def to_csv(customers: Sequence[CustomerRead]) -> bytes:
    """The roster as UTF-8 CSV with a BOM, so spreadsheets read the Chinese names right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in COLUMNS])
    for c in customers:
        writer.writerow([safe_cell(cell) for cell in _cells(c)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(customers: Sequence[CustomerRead]) -> bytes:
    """The roster as an Excel workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Roster"
    sheet.append([title for _, title in COLUMNS])
    for c in customers:
        sheet.append([safe_cell(cell) for cell in _cells(c)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
