"""Office-ready files: typed XLSX tables and CSV with a BOM, headers in the caller's language, safe cells."""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Language = Literal["zh-CN", "en"]
Kind = Literal["text", "money", "number", "integer", "rate"]
MONEY_FORMAT = "#,##0.00"
CURRENCY = {"zh-CN": "元", "en": "CNY"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry (and Excel refuses), and lone surrogates that cannot be encoded.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# A telephone number or an amount: nothing in it can run, so it keeps its + or - untouched.
_INERT = re.compile(r"^[+\-]?[\d\s().\-/]+$")
_MAX_CELL = 32_767  # Excel's limit on a cell's text


def language(accept_language: str | None) -> Language:
    """The export language for an Accept-Language header: zh-CN when Chinese is preferred, else en."""
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and q > best_q:
            best, best_q = tag.lower(), q
    return "zh-CN" if best.startswith("zh") else "en"


def clean_text(value: object) -> str:
    """Text a spreadsheet can hold: control characters and lone surrogates dropped, at most 32,767 chars."""
    text = "" if value is None else str(value)
    return _ILLEGAL.sub("", text)[:_MAX_CELL]


def safe_cell(cell: str) -> str:
    """For CSV: a cell that would run as a formula (= + - @) is kept text with a leading apostrophe.

    Numbers and telephone numbers such as `+86 138 0013 8000` cannot run and are left as they are.
    """
    text = clean_text(cell)
    if text[:1] in FORMULA_START and not _INERT.match(text):
        return f"'{text}"
    return text


@dataclass(frozen=True)
class Column:
    """One column of an export: its field, its headers in both languages and how its values are typed."""

    key: str
    en: str
    zh: str
    kind: Kind = "text"

    def title(self, lang: Language) -> str:
        """The header in a language; money columns name the currency."""
        label = self.zh if lang == "zh-CN" else self.en
        if self.kind == "money":
            return f"{label}（{CURRENCY[lang]}）" if lang == "zh-CN" else f"{label} ({CURRENCY[lang]})"
        return label


@dataclass(frozen=True)
class Table:
    """A sheet: its title in both languages, its columns and its rows of values by column key."""

    en: str
    zh: str
    columns: Sequence[Column]
    rows: Iterable[dict[str, Any]]

    def title(self, lang: Language) -> str:
        """The sheet's name in a language."""
        return self.zh if lang == "zh-CN" else self.en


def _number(value: Any) -> Decimal | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write(sheet: Worksheet, table: Table, lang: Language) -> None:
    columns = list(table.columns)
    sheet.append([c.title(lang) for c in columns])
    widths = [_width(c.title(lang)) for c in columns]
    for values in table.rows:
        row = sheet.max_row + 1
        for index, column in enumerate(columns, start=1):
            value = values.get(column.key)
            cell = sheet.cell(row=row, column=index)
            number = _number(value) if column.kind != "text" else None
            if number is not None:
                cell.value = number
                cell.number_format = {"money": MONEY_FORMAT, "rate": "0.00%", "integer": "0"}.get(
                    column.kind, "0.00"
                )
                shown = f"{number:,.2f}" if column.kind == "money" else str(number)
            else:
                text = clean_text(value)
                cell.value = text
                cell.data_type = "s"  # a string, never a formula, whatever it starts with
                cell.number_format = "@"
                shown = text
            widths[index - 1] = max(widths[index - 1], _width(shown))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)


def to_xlsx(tables: Sequence[Table], lang: Language) -> bytes:
    """A workbook with one sheet per table: bold frozen header, autofilter, widths, typed cells."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, table in enumerate(tables):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = table.title(lang)
        _write(sheet, table, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(table: Table, lang: Language) -> bytes:
    """One table as UTF-8 CSV with a BOM (so Excel reads Chinese right); money as plain 1234.50."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.title(lang) for c in table.columns])
    for values in table.rows:
        writer.writerow([safe_cell(clean_text(values.get(c.key))) for c in table.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
