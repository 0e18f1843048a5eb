"""The cooperative's book as spreadsheets: offices, staff and CMs, customers with their CMs and balances.

Each kind names its columns (a key, the en and zh-CN headers, an example, the codes a cell may take), the
service and endpoint that takes its rows, and makes the downloadable XLSX template with validation lists.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from steward.csv_files import FileRefused, rows_of

YES_NO = ("是", "否")


@dataclass(frozen=True)
class Col:
    """One column of a book file."""

    key: str
    en: str
    zh: str
    example: str = ""
    codes: tuple[str, ...] = ()
    required: bool = False

    def header(self, lang: str) -> str:
        """The header in a language (zh-CN by default)."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class BookKind:
    """A kind of book file and where its rows go."""

    name: str
    service: str
    path: str
    columns: tuple[Col, ...]

    def key_of(self, header: str) -> str | None:
        """The column key of a header in either language (or the key itself)."""
        text = header.strip().rstrip("*").strip()
        for c in self.columns:
            if text in (c.key, c.en, c.zh):
                return c.key
        return None


OFFICES = BookKind(
    "offices",
    "staffing",
    "/imports/offices",
    (
        Col("code", "Office code", "机构代码", "CG01", required=True),
        Col("name", "Office name", "机构名称", "城关信用社", required=True),
        Col("parent_code", "Parent office code", "上级机构代码", "HQ"),
        Col("effective_from", "Effective from", "生效日期", "2026-01-01"),
    ),
)
STAFF = BookKind(
    "staff",
    "staffing",
    "/imports/staff",
    (
        Col("employee_no", "Employee number", "工号", "E0001", required=True),
        Col("name", "Name", "姓名", "张三", required=True),
        Col("grade", "Grade", "等级", "cm", ("trainee", "cm", "senior"), required=True),
        Col("certified_until", "Certified until", "资格有效期至", "2027-06-30"),
        Col("office_code", "Office code", "所属机构代码", "CG01"),
        Col("hire_date", "Hire date", "入职日期", "2018-03-01"),
        Col("education", "Education", "学历", "本科", ("高中", "中专", "大专", "本科", "硕士", "博士")),
    ),
)
CUSTOMERS = BookKind(
    "customers",
    "customer",
    "/imports/customers",
    (
        Col("external_id", "Core-banking number", "核心系统客户号", "6210330012345678", required=True),
        Col("name", "Name", "客户名称", "绿野家庭农场", required=True),
        Col("kind", "Kind", "客户类型", "农户", ("公司客户", "机构客户", "个人客户", "农户"), required=True),
        Col("office_code", "Office code", "所属机构代码", "CG01"),
        Col("branch", "Branch", "网点", "城关"),
        Col("address", "Address", "地址", "城关镇东街12号"),
        Col("contact", "Contact", "联系方式", "13800138000"),
        Col("importance", "Importance", "客户重要程度", "一般客户", ("核心客户", "重要客户", "一般客户")),
        Col("size", "Size", "客户规模", "小型", ("大型", "中型", "小型")),
        Col("core", "Core customer", "核心客户", "否", YES_NO),
        Col("major_value", "Major value", "重大价值", "否", YES_NO),
        Col("complex_needs", "Complex needs", "复杂需求", "否", YES_NO),
        Col("investment_needs", "Investment needs", "投资需求", "否", YES_NO),
        Col("first_development", "First development", "首次开发", "否", YES_NO),
        Col("risk_business", "Risk business", "有风险业务", "是", YES_NO),
        Col("risk_amount", "Risk amount (yuan)", "风险业务金额（元）", "300000.00"),
        Col("primary_employee_no", "Primary CM (employee no.)", "第一负责人工号", "E0001", required=True),
        Col("co_employee_nos", "Co-managers (employee nos.)", "协办客户经理工号", "E0002；E0003"),
        Col("team_id", "Team", "客户经理小组", ""),
        Col("start_date", "Served since", "服务开始日期", "2024-01-01"),
        Col("deposit", "Opening deposit (yuan)", "期初存款余额（元）", "152340.50"),
        Col("loan", "Opening loan (yuan)", "期初贷款余额（元）", "300000.00"),
    ),
)
# `steward import balances` already publishes core banking's balance export to Kafka (steward/importer.py):
# the book's opening balances, written through customer's HTTP import, are `opening-balances`.
BALANCES = BookKind(
    "opening-balances",
    "customer",
    "/imports/balances",
    (
        Col("external_id", "Core-banking number", "核心系统客户号", "6210330012345678", required=True),
        Col("deposit", "Deposit (yuan)", "存款余额（元）", "152340.50"),
        Col("loan", "Loan (yuan)", "贷款余额（元）", "300000.00"),
        Col("overdue", "Overdue (yuan)", "逾期余额（元）", "0.00"),
        Col("as_of", "Balances as of", "余额日期", "2026-11-30", required=True),
    ),
)
BOOK: dict[str, BookKind] = {k.name: k for k in (OFFICES, STAFF, CUSTOMERS, BALANCES)}


def template(kind: BookKind, lang: str = "zh-CN") -> bytes:
    """An XLSX template: headers (required ones starred), an example row, validation lists for codes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.name
    for index, col in enumerate(kind.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=col.header(lang) + ("*" if col.required else ""))
        cell.font = Font(bold=True)
        sheet.cell(row=2, column=index, value=col.example or None)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(col.header(lang)) * 2)
        if col.codes:
            letter = get_column_letter(index)
            rule = DataValidation(type="list", formula1='"' + ",".join(col.codes) + '"', allow_blank=True)
            rule.add(f"{letter}2:{letter}100000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(path: Path, kind: BookKind) -> tuple[list[dict[str, object]], list[str]]:
    """Rows of an XLSX or CSV file (UTF-8 or GB18030) as {line, values by key}, and ignored headers."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, kind)
    rows: list[dict[str, object]] = []
    ignored: list[str] = []
    for line, raw in rows_of(path):
        if not ignored and line == 2:
            ignored = [str(h) for h in raw if h is not None and kind.key_of(str(h)) is None]
        values = {kind.key_of(str(h)): _text(v) for h, v in raw.items() if h is not None}
        values.pop(None, None)
        if any(values.values()):
            rows.append({"line": line, "values": {k: v for k, v in values.items() if k}})
    return rows, ignored


def _xlsx_rows(path: Path, kind: BookKind) -> tuple[list[dict[str, object]], list[str]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(f"not an XLSX workbook: {type(exc).__name__}") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headers = [str(h) if h is not None else "" for h in next(rows, ())]
    keys = [kind.key_of(h) for h in headers]
    ignored = [h for h, k in zip(headers, keys, strict=True) if h and k is None]
    found = []
    for line, values in enumerate(rows, start=2):
        cells = {k: _text(v) for k, v in zip(keys, values, strict=False) if k}
        if any(cells.values()):
            found.append({"line": line, "values": cells})
    book.close()
    return found, ignored


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # a datetime cell: its date
        return str(value.date().isoformat())
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_of(kind: BookKind, rows: list[dict[str, str]], lang: str = "zh-CN") -> str:
    """A CSV of rows by key with the kind's headers (for tests and the benchmark)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header(lang) for c in kind.columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in kind.columns])
    return out.getvalue()
