"""Office-ready files: typed XLSX, CSV with a BOM, headers in the caller's language, safe cells."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from shared.spreadsheet import Column, Table, clean_text, language, safe_cell, to_csv, to_xlsx

COLUMNS = (
    Column("name", "Name", "客户名称"),
    Column("contact", "Contact", "联系方式"),
    Column("address", "Address", "地址"),
    Column("deposit", "Deposits", "存款额", "money"),
    Column("rate", "Floating pay rate", "浮动收入比例", "rate"),
)
ROWS = [
    {
        "name": "张家农场",
        "contact": "+86 138 0013 8000",
        "address": "=cmd|' /C calc'!A0",
        "deposit": Decimal("1234567.50"),
        "rate": "0.025",
    },
    {"name": "bad\x00\x1b field\ud800", "contact": "-", "address": None, "deposit": None, "rate": None},
]


def _sheet(lang):
    return load_workbook(io.BytesIO(to_xlsx([Table("Roster", "客户名册", COLUMNS, ROWS)], lang))).active


def test_language_follows_accept_language():
    assert language("zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert language("en-US,zh-CN;q=0.5") == "en"
    assert language("fr;q=0.2, zh-TW;q=0.7") == "zh-CN"
    assert language(None) == "en"
    assert language("zh;q=bad, en") == "en"


def test_xlsx_money_is_a_formatted_number_with_the_currency_in_a_bold_frozen_filtered_header():
    sheet = _sheet("en")
    assert [c.value for c in sheet[1]] == [
        "Name",
        "Contact",
        "Address",
        "Deposits (CNY)",
        "Floating pay rate",
    ]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    deposit = sheet["D2"]
    assert deposit.value == Decimal("1234567.50") or deposit.value == 1234567.5
    assert deposit.data_type == "n"
    assert deposit.number_format == "#,##0.00"
    assert sheet["E2"].number_format == "0.00%"
    assert sheet.column_dimensions["A"].width > 8  # widened for the Chinese name
    assert sheet.column_dimensions["D"].width >= len("1,234,567.50")


def test_xlsx_headers_and_sheet_name_in_chinese_for_a_chinese_caller():
    sheet = _sheet("zh-CN")
    assert sheet.title == "客户名册"
    assert [c.value for c in sheet[1]][3] == "存款额（元）"


def test_xlsx_phone_and_formula_stay_text_without_an_apostrophe_and_control_characters_are_dropped():
    sheet = _sheet("en")
    assert sheet["B2"].value == "+86 138 0013 8000"
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].value == "=cmd|' /C calc'!A0"
    assert sheet["C2"].data_type == "s"  # stored as text: it never runs
    assert sheet["A3"].value == "bad field"
    assert sheet["D3"].value is None


def test_csv_has_a_bom_keeps_phones_and_guards_formulas():
    data = to_csv(Table("Roster", "客户名册", COLUMNS, ROWS), "zh-CN")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "客户名称"
    assert rows[1][:4] == ["张家农场", "+86 138 0013 8000", "'=cmd|' /C calc'!A0", "1234567.50"]
    assert rows[2][0] == "bad field"


def test_safe_cell_guards_what_could_run_and_leaves_numbers_and_phones():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert safe_cell("-300.00") == "-300.00"
    assert safe_cell("+86 (0)10 6512-3456") == "+86 (0)10 6512-3456"
    assert clean_text("a\x07b\ud800c") == "abc"
