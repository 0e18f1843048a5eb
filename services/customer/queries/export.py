"""Roster export (R-C4) as CSV or XLSX: the roster's columns in the caller's language, CMs named."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from services.customer.models import ManagerProjectionRow
from services.customer.schemas import CustomerRead
from shared.spreadsheet import Column, Language, Table, to_csv, to_xlsx
from shared.uow import UnitOfWork

COLUMNS = (
    Column("file_no", "File number", "档案编号"),
    Column("external_id", "Core-banking number", "核心系统客户号"),
    Column("name", "Name", "客户名称"),
    Column("kind", "Kind", "客户类型"),
    Column("branch", "Branch", "网点"),
    Column("address", "Address", "地址"),
    Column("contact", "Contact", "联系方式"),
    Column("deposit_balance", "Deposits", "存款额", "money"),
    Column("loan_balance", "Loans", "贷款额", "money"),
    Column("relationship_evaluation", "Relationship assessment", "合作关系评价"),
    Column("cooperation_direction", "Cooperation direction", "业务合作方向"),
    Column("importance", "Importance", "客户重要程度"),
    Column("primary_id", "Primary CM id", "第一负责人编号"),
    Column("primary_name", "Primary CM", "第一负责人"),
    Column("co_managers", "Co-managers", "协办客户经理"),
)
VALUES = {
    "zh-CN": {
        "corporate": "公司客户",
        "institutional": "机构客户",
        "individual": "个人客户",
        "farm_household": "农户",
        "core": "核心客户",
        "important": "重要客户",
        "ordinary": "一般客户",
    },
    "en": {"farm_household": "farm household"},
}


async def manager_names(uow: UnitOfWork, customers: Sequence[CustomerRead]) -> dict[str, str]:
    """The names of the CMs serving these customers, from the manager projection."""
    ids = {m.manager_id for c in customers for m in c.managers}
    if not ids:
        return {}
    async with uow:
        rows = await uow.session.execute(
            select(ManagerProjectionRow.manager_id, ManagerProjectionRow.name).where(
                ManagerProjectionRow.manager_id.in_(ids)
            )
        )
        return {manager_id: name for manager_id, name in rows}


def _values(c: CustomerRead, names: dict[str, str], lang: Language) -> dict[str, Any]:
    values = c.model_dump(mode="python")
    for key in ("kind", "importance"):
        code = str(getattr(values.get(key), "value", values.get(key) or ""))
        values[key] = VALUES[lang].get(code, code)
    primary = next((m.manager_id for m in c.managers if m.role == "primary"), "")
    co = [m.manager_id for m in c.managers if m.role != "primary"]
    values["primary_id"] = primary
    values["primary_name"] = names.get(primary, "")
    values["co_managers"] = "; ".join(f"{names[m]} ({m})" if m in names else m for m in co)
    return values


def roster(customers: Sequence[CustomerRead], names: dict[str, str], lang: Language) -> Table:
    """The roster as one table."""
    columns = [c for c in COLUMNS if c.key != "external_id" or "external_id" in CustomerRead.model_fields]
    rows = (_values(c, names, lang) for c in customers)
    return Table("Roster", "客户名册", columns, rows)


def as_csv(customers: Sequence[CustomerRead], names: dict[str, str], lang: Language) -> bytes:
    """The roster as UTF-8 CSV with a BOM."""
    return to_csv(roster(customers, names, lang), lang)


def as_xlsx(customers: Sequence[CustomerRead], names: dict[str, str], lang: Language) -> bytes:
    """The roster as an Excel workbook."""
    return to_xlsx([roster(customers, names, lang)], lang)
