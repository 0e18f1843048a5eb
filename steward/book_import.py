"""`steward import offices|staff|customers|opening-balances FILE`: the book, through the services' bulk APIs.

The file is read (XLSX, or CSV in UTF-8 or GB18030), its headers mapped in either language, and its rows
posted to the owning service: a dry run first (every problem with file, row and column, in the caller's
language), then, unless `--dry-run`, the commit, which writes the whole file or nothing.
"""

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from shared.imports import ImportSummary
from steward.book_kinds import BOOK, BookKind, read_rows, template
from steward.csv_files import FileRefused

console = Console()
URLS = {"staffing": "http://127.0.0.1:8002", "customer": "http://127.0.0.1:8001"}
TIMEOUT = 1800.0


def admin_token(org_id: str) -> str:
    """A short-lived admin and HR token, signed as `steward token` signs."""
    from shared.auth import issue_token
    from shared.settings import ServiceSettings

    return issue_token(
        ServiceSettings(),
        user_id="steward-import",
        roles=["admin", "hr"],
        org_id=org_id,
        ttl=timedelta(hours=1),
    )


def post_rows(
    kind: BookKind, name: str, rows: list[dict[str, Any]], *, url: str, token: str, lang: str, dry_run: bool
) -> ImportSummary:
    """Post a file's rows to the owning service; the summary it answers."""
    body = {"file": name, "dry_run": dry_run, "rows": rows}
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}
    response = httpx.post(f"{url}{kind.path}", json=body, headers=headers, timeout=TIMEOUT)
    if response.status_code != 200:
        raise RuntimeError(f"{kind.path}: HTTP {response.status_code}: {response.text[:500]}")
    return ImportSummary.model_validate(response.json())


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
    )


def run_book_import(
    kind: BookKind,
    path: Path,
    *,
    url: str,
    token: str,
    lang: str = "zh-CN",
    dry_run: bool = False,
    keep: int = 50,
) -> int:
    """Read, dry-run, then commit; print problems and the summary. Exit code: 0 done, 1 refused, 2 failure."""
    if not path.is_file():
        console.print(f"[red]no such file:[/] {escape(str(path))}")
        return 1
    try:
        with _progress() as progress:
            task = progress.add_task("reading", total=None)
            rows, ignored = read_rows(path, kind)
            progress.update(task, total=len(rows), completed=len(rows))
            check = progress.add_task("checking", total=len(rows))
            summary = post_rows(kind, path.name, rows, url=url, token=token, lang=lang, dry_run=True)
            progress.update(check, completed=len(rows))
            if not dry_run and not summary.refused:
                write = progress.add_task("committing", total=len(rows))
                summary = post_rows(kind, path.name, rows, url=url, token=token, lang=lang, dry_run=False)
                progress.update(write, completed=len(rows))
    except FileRefused as exc:
        console.print(f"[red]{escape(str(exc))}[/]")
        return 1
    except (httpx.HTTPError, RuntimeError) as exc:
        console.print(f"[bold red]import failed:[/] {escape(str(exc))}; nothing of this file was written")
        return 2
    if ignored:
        console.print(f"ignored columns: {escape(', '.join(ignored))}")
    _print(summary, keep, lang)
    return 1 if summary.refused else 0


def _print(summary: ImportSummary, keep: int, lang: str) -> None:
    zh = lang == "zh-CN"
    for p in summary.problems[:keep]:
        colour = "red" if p.refused else "yellow"
        where = f"{p.file} 第 {p.line} 行 [{p.column}]" if zh else f"{p.file} row {p.line} [{p.column}]"
        console.print(f"[{colour}]{escape(where)}: {escape(p.message)}[/]", highlight=False, soft_wrap=True)
    if len(summary.problems) > keep:
        console.print(f"... {len(summary.problems) - keep} more")
    table = Table(title=("导入汇总" if zh else "Import summary") + (" (dry run)" if summary.dry_run else ""))
    labels = (
        ("新增", "更新", "未变", "标记不合规", "拒绝")
        if zh
        else ("created", "updated", "unchanged", "flagged", "refused")
    )
    for label in labels:
        table.add_column(label, justify="right")
    table.add_row(
        *(
            str(v)
            for v in (summary.created, summary.updated, summary.unchanged, summary.flagged, summary.refused)
        )
    )
    console.print(table)
    if summary.refused:
        console.print(
            "[bold red]refused: nothing was written[/]" if not zh else "[bold red]已拒绝：未写入任何数据[/]"
        )


Lang = Annotated[str, typer.Option("--lang", help="zh-CN (default) or en: headers and messages")]
Url = Annotated[str | None, typer.Option("--url", help="The owning service's base URL")]
OrgOpt = Annotated[str, typer.Option("--org", help="Cooperative (org_id)")]


def register(app: typer.Typer) -> None:
    """Add the book commands to `steward import`."""

    def command(kind: BookKind) -> None:
        @app.command(kind.name, help=f"The cooperative's {kind.name} (XLSX or CSV) into {kind.service}.")
        def _run(
            file: Annotated[Path, typer.Argument(help="XLSX, or CSV in UTF-8 or GB18030")],
            org: OrgOpt = "rcc-demo",
            url: Url = None,
            lang: Lang = "zh-CN",
            dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only")] = False,
        ) -> None:
            code = run_book_import(
                kind, file, url=url or URLS[kind.service], token=admin_token(org), lang=lang, dry_run=dry_run
            )
            raise typer.Exit(code)

    for kind in BOOK.values():
        command(kind)

    @app.command("template", help="Write the XLSX template of a book file (see `steward import --help`).")
    def _template(
        name: Annotated[str, typer.Argument(help="offices, staff, customers or opening-balances")],
        out: Annotated[Path, typer.Option("-o", "--out", help="Where to write it")] = Path("template.xlsx"),
        lang: Lang = "zh-CN",
    ) -> None:
        if name not in BOOK:
            console.print(f"[red]no such kind {escape(name)}; one of {', '.join(BOOK)}[/]")
            raise typer.Exit(1)
        out.write_bytes(template(BOOK[name], lang))
        console.print(f"wrote {escape(str(out))}")
