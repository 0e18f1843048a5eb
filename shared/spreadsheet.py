"""Cells written to spreadsheets: text that would run as a formula is kept as text."""


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def safe_cell(cell: str) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet: keep it text."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@") and not _is_number(cell) else cell
