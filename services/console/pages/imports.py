"""Imports of the cooperative's book (issue 21): templates, upload, dry run, commit, progress, summary.

The files and templates are the ones `steward import` reads and writes (steward/book_kinds.py); the rows
go to the owning service's `/imports/...` endpoint, which checks them, answers every problem in the
user's language and writes a file all or nothing. The console decides nothing about a row.
"""

import asyncio
import csv
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.console import i18n
from services.console.i18n import N_, translate
from services.console.import_jobs import ImportJobs, StagedImport, new_id
from services.console.web import Page, role_guard
from steward.book_kinds import BOOK, BookKind, read_rows, template
from steward.csv_files import FileRefused

router = APIRouter()
ImportPage = Annotated[Page, role_guard("hr", "supervisor", "admin")]
MAX_UPLOAD_BYTES = 32 * 1_048_576
SUFFIXES = (".xlsx", ".xlsm", ".csv")
SHOWN_PROBLEMS = 500
POLL_LIMIT = 1800  # every second for 30 minutes, the commit's own time limit
FILE_NAMES = {
    "offices": N_("Offices"),
    "staff": N_("Staff and CMs"),
    "customers": N_("Customers"),
    "opening-balances": N_("Opening balances"),
}
HINTS = {
    "offices": N_("The office tree: head office, branches and outlets, each with its parent's code."),
    "staff": N_("CMs by employee number: grade, certification date and office."),
    "customers": N_(
        "Customers with their primary CM and co-managers (assignments) and opening deposit and loan balances."
    ),
    "opening-balances": N_(
        "Deposit, loan and overdue balances as of a date, by core-banking number; the newest date wins."
    ),
}


def _jobs(page: Page) -> ImportJobs:
    jobs: ImportJobs = page.request.app.state.imports
    return jobs


def _kind(name: str) -> BookKind:
    kind = BOOK.get(name)
    if kind is None:
        raise HTTPException(404)
    return kind


def _staged(page: Page, import_id: str) -> StagedImport:
    staged = _jobs(page).get(import_id, page.user.org_id, page.user.user_id)
    if staged is None:
        raise HTTPException(404)
    return staged


def _lang(page: Page) -> str:
    return i18n.HTTP_LANG[page.locale]


def _kinds() -> list[dict[str, str]]:
    return [{"name": k, "title": FILE_NAMES.get(k, k), "hint": HINTS.get(k, "")} for k in BOOK]


@router.get("/imports")
async def imports_page(page: ImportPage) -> Response:
    """Templates to download and the upload form."""
    return page.render("imports.html", kinds=_kinds(), error=None, problem=None, chosen="")


@router.get("/imports/templates/{name}.xlsx")
async def template_file(
    page: ImportPage, name: str, lang: Annotated[str | None, Query(pattern="^(zh-CN|en)$")] = None
) -> Response:
    """The XLSX template `steward import template` writes: headers, an example row, code lists."""
    kind = _kind(name)
    language = lang or _lang(page)
    body = await asyncio.to_thread(template, kind, language)
    title = translate(FILE_NAMES.get(name, name), "en" if language == "en" else "zh_CN")
    filename = f"{title}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}.xlsx\"; filename*=UTF-8''{quote(filename)}"
        },
    )


def _read(data: bytes, suffix: str, kind: BookKind) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of an uploaded file, read as the CLI reads them (XLSX, CSV in UTF-8 or GB18030)."""
    with tempfile.TemporaryDirectory(prefix="steward-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        rows, ignored = read_rows(path, kind)
    return [dict(r) for r in rows], ignored


@router.post("/imports")
async def upload(page: ImportPage, request: Request) -> Response:
    """Read the file, dry-run it at its service, and show every problem; nothing is written."""
    form = await request.form(max_files=1, max_fields=10)
    if not page.user.csrf_ok(str(form.get("csrf_token") or "")):
        raise HTTPException(403, "csrf")
    name = str(form.get("kind") or "")
    upload_file = form.get("file")
    error = None
    if name not in BOOK:
        error = N_("Choose what the file holds.")
    elif not isinstance(upload_file, UploadFile) or not upload_file.filename:
        error = N_("Choose a file to upload.")
    elif not upload_file.filename.lower().endswith(SUFFIXES):
        error = N_("The file must be an XLSX workbook or a CSV file.")
    elif (upload_file.size or 0) > MAX_UPLOAD_BYTES:
        error = N_("The file is larger than 32 MB; split it and import the parts one after another.")
    if error is not None or not isinstance(upload_file, UploadFile):
        return page.render("imports.html", 422, kinds=_kinds(), error=error, problem=None, chosen=name)
    kind, filename = BOOK[name], Path(upload_file.filename or "").name
    data = await upload_file.read()
    try:
        rows, ignored = await asyncio.to_thread(_read, data, Path(filename).suffix.lower(), kind)
    except (FileRefused, ValueError, csv.Error) as exc:  # a file the CLI's reader cannot read
        return page.render(
            "imports.html", 422, kinds=_kinds(), error=str(exc), problem=None, chosen=name, unreadable=True
        )
    if not rows:
        error = N_("The file has no rows under its header.")
        return page.render("imports.html", 422, kinds=_kinds(), error=error, problem=None, chosen=name)
    body = {"file": filename, "dry_run": True, "rows": rows}
    answer = await page.call(kind.service, "POST", kind.path, json=body, time_limit=600.0)
    if not answer.ok or not isinstance(answer.data, dict):
        status = answer.problem.status if answer.problem and not answer.unavailable else 503
        return page.render(
            "imports.html", status, kinds=_kinds(), error=None, problem=answer.problem, chosen=name
        )
    staged = StagedImport(
        id=new_id(),
        org_id=page.user.org_id,
        user_id=page.user.user_id,
        kind=name,
        file=filename,
        rows=rows,
        ignored=ignored,
        dry_run=answer.data,
    )
    _jobs(page).add(staged)
    return page.redirect(f"/imports/{staged.id}")


def _context(page: Page, staged: StagedImport, poll: int = 0) -> dict[str, Any]:
    kind = BOOK[staged.kind]
    problems = list(staged.dry_run.get("problems") or [])
    return {
        "staged": staged,
        "title": FILE_NAMES.get(staged.kind, staged.kind),
        "dry": staged.dry_run,
        "problems": problems[:SHOWN_PROBLEMS],
        "more": max(len(problems) - SHOWN_PROBLEMS, 0),
        "headers": {c.key: c.header(_lang(page)) for c in kind.columns},
        "poll": poll,
        "poll_limit": POLL_LIMIT,
    }


@router.get("/imports/{import_id}")
async def result_page(page: ImportPage, import_id: str) -> Response:
    """The dry run's problems by file, row and column; the commit once it is clean; its progress."""
    staged = _staged(page, import_id)
    return page.render("import_result.html", **_context(page, staged))


@router.post("/imports/{import_id}/commit")
async def commit(page: ImportPage, import_id: str, request: Request) -> Response:
    """Commit a clean dry run, once: the service writes the whole file or nothing."""
    form = await request.form(max_files=0, max_fields=5)
    if not page.user.csrf_ok(str(form.get("csrf_token") or "")):
        raise HTTPException(403, "csrf")
    staged = _staged(page, import_id)
    if not staged.clean:
        raise HTTPException(409)
    kind = BOOK[staged.kind]
    _jobs(page).commit(staged, page.backend, kind.service, kind.path, token=page.user.token, lang=_lang(page))
    return page.redirect(f"/imports/{staged.id}")


@router.get("/imports/{import_id}/progress")
async def progress(
    page: ImportPage, import_id: str, poll: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> Response:
    """The commit's progress alone: htmx polls it, boundedly, until the summary is there (ADR 0009)."""
    staged = _staged(page, import_id)
    return page.render("import_progress.html", **_context(page, staged, poll))
