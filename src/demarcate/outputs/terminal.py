"""The terminal summary: your responsibility matrix with statuses, then the worst findings."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from demarcate.checks.registry import SEVERITY_ORDER

STATUS_STYLE = {
    "PASS": "green",
    "FAIL": "bold red",
    "UNKNOWN": "yellow",
    "MANUAL": "blue",
    "NOT_APPLICABLE": "dim",
}
SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "informational": "dim",
}


def _cell(counts: dict[str, int], status: str) -> str:
    n = counts.get(status, 0)
    return f"[{STATUS_STYLE[status]}]{n}[/]" if n else "[dim]·[/]"


def render(report: dict[str, Any], console: Console, top: int = 15) -> None:
    scan = report["scan"]
    summary = report["summary"]
    console.print(
        f"[bold]demarcate[/] {scan['tool_version']} · source {scan['source']} · account "
        f"{escape(str(scan['account']))} · {len(scan['regions'])} region(s) · "
        f"{scan['api_calls']} API calls · {scan['duration_seconds']}s"
    )
    table = Table(title="Your responsibility matrix", title_justify="left")
    table.add_column("Service", style="bold")
    table.add_column("Model")
    table.add_column("Res.", justify="right")
    table.add_column("AWS covers", justify="right")
    table.add_column("Pass", justify="right")
    table.add_column("Fail", justify="right")
    table.add_column("Unknown", justify="right")
    table.add_column("Manual", justify="right")
    table.add_column("N/A", justify="right")
    table.add_column("Failing duties (worst first)")
    for svc in report["matrix"]:
        counts = svc["status_counts"]
        failing = sorted(
            (d for d in svc["customer_duties"] if d["status"] == "FAIL"),
            key=lambda d: -SEVERITY_ORDER.get(d["worst_severity"] or "", 0),
        )
        failing_text = "\n".join(
            f"[{SEVERITY_STYLE.get(d['worst_severity'] or '', '')}]{escape(d['title'])}[/] "
            f"({len(d['failing_resources'])})"
            for d in failing[:3]
        )
        if len(failing) > 3:
            failing_text += f"\n[dim]+{len(failing) - 3} more[/]"
        table.add_row(
            escape(svc["name"]),
            f"{svc['service_model']}/{svc['kind']}",
            str(svc["resources"]),
            f"[yellow]{len(svc['aws_duties'])}[/]",
            _cell(counts, "PASS"),
            _cell(counts, "FAIL"),
            _cell(counts, "UNKNOWN"),
            _cell(counts, "MANUAL"),
            _cell(counts, "NOT_APPLICABLE"),
            failing_text,
        )
    console.print(table)
    console.print(
        "[dim]AWS covers: duties AWS carries for you (inherited; evidence: SOC 1/2/3, ISO 27001/"
        "27017/27018, PCI DSS L1, HIPAA, FedRAMP). The other columns count YOUR duties.[/]"
    )
    splits = [o for svc in report["matrix"] for o in svc.get("ownership", [])]
    if splits:
        console.print("[bold]Where the line falls in this estate[/]")
        for split in splits:
            console.print(f"  ⚙ {escape(split['summary'])}")
            for group in split["split"]:
                if group["owner"] != split["model_owner"]:
                    console.print(
                        f"      [dim]{escape(group['owner'])}: {escape(group['because'])}[/]"
                    )
    failed = [f for f in report["findings"] if f["status"] == "FAIL"]
    if failed:
        worst = Table(title=f"Worst findings ({len(failed)} failed)", title_justify="left")
        worst.add_column("Severity")
        worst.add_column("Check")
        worst.add_column("Resource")
        worst.add_column("Evidence")
        for f in failed[:top]:
            worst.add_row(
                f"[{SEVERITY_STYLE.get(f['severity'], '')}]{f['severity']}[/]",
                escape(f["check_id"]),
                escape(f"{f['resource_name'] or f['resource_id']} ({f['region']})"),
                escape(f["evidence"]),
            )
        console.print(worst)
    by = summary["by_status"]
    console.print(
        f"Findings: [green]{by.get('PASS', 0)} pass[/], [red]{by.get('FAIL', 0)} fail[/], "
        f"[yellow]{by.get('UNKNOWN', 0)} could not be verified[/]."
    )
    errors = scan.get("collection_errors") or []
    if errors:
        console.print(
            f"[yellow]{len(errors)} listing(s) failed; their checks are UNKNOWN.[/] First: "
            + escape(errors[0]["reason"])
        )
