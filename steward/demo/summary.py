"""What the demo found at the end, read back from the four APIs, and where to look for more."""

from collections import Counter
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from steward.demo.client import AUDITOR, SUPERVISOR, Api
from steward.demo.plan import Cooperative


async def gather(api: Api, coop: Cooperative, outcome: dict[str, Any]) -> dict[str, Any]:
    """The appraisal summary, findings by rule, overdue visits and departures, as the services report them."""
    cycle_id = outcome["cycle_id"]
    findings = await api.get("audit", "/findings", AUDITOR)
    by_rule: Counter[tuple[str, str]] = Counter((f["rule_id"], f["status"]) for f in findings)
    return {
        "appraisal": await api.get("appraisal", f"/cycles/{cycle_id}/summary", SUPERVISOR),
        "results": await api.get("appraisal", f"/cycles/{cycle_id}/results", SUPERVISOR, limit=1000),
        "findings": {f"{rule} {status}": n for (rule, status), n in sorted(by_rule.items())},
        "overdue_visits": len(await api.get("customer", "/visit-schedule", SUPERVISOR, overdue="true")),
        "departures": await api.get("audit", "/departure-audits", AUDITOR),
        "customers": len(coop.customers),
    }


def _money(value: Any) -> str:
    return f"{Decimal(str(value)):,.0f}"


def _groups(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("", "CMs", "profit", "mean profit", "mean score", "floating pay", "proposals"):
        table.add_column(column, justify="left" if column in ("", "proposals") else "right")
    for g in rows:
        proposals = ", ".join(f"{k} {v}" for k, v in sorted(g["proposals"].items()))
        score = g["mean_score"] if g["mean_score"] is not None else "-"
        table.add_row(
            g["group"],
            str(g["managers"]),
            _money(g["total_profit"]),
            _money(g["mean_profit"]),
            str(score),
            _money(g["total_floating_pay"]),
            proposals,
        )
    return table


def where_to_look(api: Api, org: str, cycle_id: str) -> Table:
    """The places in each API where the year shows, with a token command for each role."""
    table = Table(
        title=f"Where to look (tokens: steward token --org {org} --user sup-1 --role supervisor)",
        title_justify="left",
    )
    table.add_column("service")
    table.add_column("open")
    rows = {
        "staffing": "/managers?status=departed  /teams  /grade-proposals  /managers/{id}/budget?year=...",
        "customer": "/customers?branch=north  /visit-schedule?overdue=true  /credit-recommendations  "
        "/value-review  /customers/{id}/assignments",
        "appraisal": f"/cycles/{cycle_id}/summary  /cycles/{cycle_id}/results  /cycles/{cycle_id}/pools  "
        f"/cycles/{cycle_id}/summary.svg  /ledger/customers/{{id}}",
        "audit": "/departure-audits  /findings?rule_id=R-M4  /compliance/summary (role auditor)  "
        "/journal/verification",
    }
    for service, paths in rows.items():
        table.add_row(f"{service}\n{api.urls[service]}/docs", paths)
    return table


def show(
    console: Console, api: Api, coop: Cooperative, outcome: dict[str, Any], found: dict[str, Any]
) -> None:
    """Print the year: appraisal per grade and per branch, grade changes, departures, findings by rule."""
    appraisal = found["appraisal"]
    console.rule(f"[bold]The {appraisal['year']} appraisal of {api.org}")
    console.print(_groups("By grade", appraisal["by_grade"]))
    console.print(_groups("By branch", appraisal["by_branch"]))
    names = {m.id: m.name for m in coop.managers.values()}
    changes = sorted(
        (p for p in outcome.get("proposals", []) if p["kind"] != "keep"),
        key=lambda p: names.get(p["manager_id"], p["manager_id"]),
    )  # staffing lists them as they arrived; the same seed prints the same table
    grades = Table(
        title="Grade changes proposed by the appraisal and confirmed by HR (R-Q8)", title_justify="left"
    )
    for column in ("CM", "change", "from", "to", "decided by"):
        grades.add_column(column)
    for p in changes:
        grades.add_row(
            names.get(p["manager_id"], p["manager_id"]),
            p["kind"],
            p["from_grade"],
            p["to_grade"] or "off the post",
            f"{p['decided_by']} ({p['status']})",
        )
    console.print(grades)
    dep = outcome["departure"]
    console.print(
        f"[bold]Departures (R-I6):[/] {dep['name']} — {dep['items']} customers audited one by one; a finding "
        f"kept the CM {dep['status_while_blocked'].replace('_', ' ')} until it was resolved; now departed, "
        f"{dep['moved']} customers moved to a colleague."
    )
    rules = Table(title="Audit findings by rule", title_justify="left")
    rules.add_column("rule and status")
    rules.add_column("findings", justify="right")
    for key, n in found["findings"].items():
        rules.add_row(key, str(n))
    console.print(rules)
    credit = ", ".join(f"{k} {v}" for k, v in Counter(r["status"] for r in outcome["credit"]).items())
    visits, published = outcome["visits"], outcome["published"]
    console.print(
        f"[bold]Year:[/] {visits['in_person']} visits and {visits['phone']} phone contacts, "
        f"{outcome['daily_reports']} daily reports today, {outcome['expenses']} expenses, "
        f"{len(outcome['credit'])} credit recommendations ({credit}), "
        f"{published['postings']} profit postings and {published['balances']} balances; "
        f"{found['overdue_visits']} customers overdue for a visit (R-M4)."
    )
    console.print(
        "[bold]Rules refused on the way:[/] "
        + "; ".join(detail[:100] for detail in outcome["refusals"].values())
    )
    if "note" in outcome:
        console.print(f"[yellow]{outcome['note']}[/]")
    console.print(where_to_look(api, api.org, outcome["cycle_id"]))
