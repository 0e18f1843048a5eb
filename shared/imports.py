"""Bulk imports through the services' HTTP APIs: rows in, a dry run or one all-or-nothing commit, a summary.

The `steward import` client reads a spreadsheet and posts its rows (values by column key, with the line
they came from); a service checks every row, answers each problem with its line and column in the caller's
language, and writes nothing unless no row is refused. Rows are matched by a natural key (an office code,
an employee number, core banking's customer number), so the same file twice changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.messages import render

T = TypeVar("T")
MAX_ROWS = 100_000
IMPORT_BODY_LIMIT = 64 * 1_048_576


class ImportRow(BaseModel):
    """One spreadsheet row: the line it is on and its values by column key."""

    model_config = ConfigDict(extra="forbid")

    line: int = Field(ge=1, description="The row's line in the file (the header is line 1)", examples=[2])
    values: dict[str, str] = Field(description="Values by column key", examples=[{"code": "CG01"}])


class ImportRequest(BaseModel):
    """A whole file's rows; with `dry_run` nothing is written."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(
        default="", max_length=500, description="The file's name, echoed in problems", examples=["机构.xlsx"]
    )
    dry_run: bool = Field(
        default=True, description="Validate only (the default); false commits", examples=[True]
    )
    rows: list[ImportRow] = Field(
        max_length=MAX_ROWS,
        description="Every row of the file",
        examples=[[{"line": 2, "values": {"code": "CG01", "name": "城关信用社", "parent_code": "HQ"}}]],
    )


class ImportProblem(BaseModel):
    """Why a row was refused, or a rule it breaks that was accepted as it was (flagged)."""

    file: str
    line: int
    column: str
    message: str
    refused: bool = True


class ImportSummary(BaseModel):
    """What the import did (or, in a dry run, would do)."""

    dry_run: bool
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    refused: int = 0
    problems: list[ImportProblem] = Field(default_factory=list)
    ids: dict[str, str] = Field(default_factory=dict, description="Natural key -> id, for the next file")


@dataclass
class Report:
    """Problems of one import, rendered in the caller's language."""

    file: str
    language: str
    problems: list[ImportProblem] = field(default_factory=list)
    refused_lines: set[int] = field(default_factory=set)
    flagged_lines: set[int] = field(default_factory=set)

    def refuse(self, line: int, column: str, key: str, /, **params: object) -> None:
        """A row that cannot be taken: nothing of the file is written."""
        self.refused_lines.add(line)
        self.problems.append(
            ImportProblem(file=self.file, line=line, column=column, message=self._text(key, params))
        )

    def flag(self, line: int, column: str, message: str) -> None:
        """A rule the existing data breaks: taken as it was, the customer marked non-compliant."""
        self.flagged_lines.add(line)
        self.problems.append(
            ImportProblem(file=self.file, line=line, column=column, message=message, refused=False)
        )

    def flag_key(self, line: int, column: str, key: str, /, **params: object) -> None:
        """A row taken but changing nothing or breaking a rule, its message from the catalogue."""
        self.flag(line, column, self._text(key, params))

    def _text(self, key: str, params: dict[str, object]) -> str:
        return render(key, self.language, params) or key

    def summary(self, dry_run: bool, rows: int, counts: dict[str, int], ids: dict[str, str]) -> ImportSummary:
        """The summary; a refused file counts nothing as created or updated."""
        refused = len(self.refused_lines)
        if refused:
            counts = {}
        return ImportSummary(
            dry_run=dry_run or refused > 0,
            rows=rows,
            created=counts.get("created", 0),
            updated=counts.get("updated", 0),
            unchanged=counts.get("unchanged", 0),
            flagged=len(self.flagged_lines),
            refused=refused,
            problems=self.problems,
            ids=ids if not refused else {},
        )


class Cells:
    """Typed reading of one row's values; a bad value is refused with its column."""

    def __init__(self, report: Report, row: ImportRow) -> None:
        self.report, self.row = report, row

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str | None:
        """A text cell (stripped); None when empty."""
        value = (self.row.values.get(column) or "").strip()
        if not value:
            if required:
                self.report.refuse(self.row.line, column, "import.required")
            return None
        if len(value) > max_length:
            self.report.refuse(self.row.line, column, "import.too_long", max_length=max_length)
            return None
        return value

    def parsed(self, column: str, parse: Callable[[str], T], key: str, *, required: bool = False) -> T | None:
        """A cell parsed by `parse`; refused with `key` when it cannot be."""
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return parse(value)
        except (ValueError, InvalidOperation):
            self.report.refuse(self.row.line, column, key, value=value)
            return None

    def day(self, column: str, *, required: bool = False) -> date | None:
        """A date as YYYY-MM-DD (what Excel's ISO format and the templates write)."""
        return self.parsed(column, lambda v: date.fromisoformat(v[:10]), "import.bad_date", required=required)

    def money(self, column: str) -> Decimal | None:
        """An amount in yuan, two decimals."""
        return self.parsed(column, _money, "import.bad_amount")

    def flag_value(self, column: str) -> bool:
        """A yes/no cell: 是/否, Y/N, true/false, 1/0 (empty: no)."""
        value = (self.text(column) or "").lower()
        if value in ("", "否", "n", "no", "false", "0"):
            return False
        if value in ("是", "y", "yes", "true", "1"):
            return True
        self.report.refuse(self.row.line, column, "import.bad_flag", value=value)
        return False

    def choice(self, column: str, allowed: dict[str, str], *, required: bool = False) -> str | None:
        """A code from a list (the code itself, or its label in either language)."""
        value = self.text(column, required=required)
        if value is None:
            return None
        if value in allowed:
            return allowed[value]
        self.report.refuse(
            self.row.line, column, "import.bad_code", value=value, allowed=sorted(set(allowed.values()))
        )
        return None


def _money(value: str) -> Decimal:
    amount = Decimal(value.replace(",", "").replace("，", ""))
    if not amount.is_finite() or amount < 0:
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))
