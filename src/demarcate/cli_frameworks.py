"""`demarcate frameworks`: the packaged compliance frameworks and how much of each we cover.

The main CLI calls :func:`register` to add the command to its Typer app.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from demarcate.console import escape

if TYPE_CHECKING:
    from rich.console import Console


class FrameworksFormat(str, Enum):
    table = "table"
    json = "json"


def _percent(part: int, total: int) -> str:
    return f"{100.0 * part / total:.0f}%" if total else "-"


def _list_table(console: Console, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=f"{len(rows)} frameworks")
    for col, justify in (
        ("Id", "left"),
        ("Framework", "left"),
        ("Automated", "right"),
        ("Manual", "right"),
        ("Not covered", "right"),
        ("Total", "right"),
        ("Covered", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        cov = r["coverage"]
        table.add_row(
            escape(r["id"]),
            escape(f"{r['name']} {r['version']}"),
            str(cov["automated"]),
            str(cov["manual"]),
            str(cov["not_covered"]),
            str(cov["total"]),
            _percent(cov["automated"] + cov["manual"], cov["total"]),
        )
    console.print(table)
    console.print(
        "[dim]Automated: a check maps to the control. Manual: a duty needing attestation "
        "covers it. `demarcate frameworks ID` lists the controls; "
        "`demarcate scan … --framework ID` scores a scan. NIST and PCI list only the controls "
        "AWS relates Security Hub controls to, not the whole catalog.[/]"
    )


def _controls(framework_id: str) -> dict[str, Any]:
    from demarcate.compliance.frameworks import coverage, get_framework

    fw = get_framework(framework_id)
    return {
        "id": fw.id,
        "name": fw.name,
        "version": fw.version,
        "description": fw.description,
        "mapping": fw.mapping,
        "reference_list": fw.reference_list,
        "sources": fw.sources,
        "coverage": coverage(fw.id),
        "controls": [
            {
                "id": c.id,
                "title": c.title,
                "section": c.section,
                "kind": c.kind,
                "checks": [{"check": r.check, "via": r.via} for r in c.checks],
                "manual_duties": [{"duty": d.duty, "basis": d.basis} for d in c.manual_duties],
                "attributes": c.attributes,
            }
            for c in fw.controls
        ],
    }


def _controls_table(console: Console, data: dict[str, Any]) -> None:
    from rich.table import Table

    cov = data["coverage"]
    table = Table(
        title=(
            f"{data['name']} {data['version']} ({data['id']}): {cov['automated']} automated, "
            f"{cov['manual']} manual, {cov['not_covered']} not covered of {cov['total']}"
        )
    )
    for col in ("Control", "Section", "Coverage", "Checks / duties"):
        table.add_column(col)
    for c in data["controls"]:
        mapped = [r["check"] for r in c["checks"]] or [d["duty"] for d in c["manual_duties"]]
        table.add_row(
            escape(c["id"]) + (f"\n[dim]{escape(c['title'])}[/]" if c["title"] else ""),
            escape(c["section"]),
            c["kind"].replace("_", " "),
            escape("\n".join(mapped)) or "-",
        )
    console.print(table)
    console.print(f"[dim]{escape(data['mapping'])}[/]")


def register(app: typer.Typer) -> None:
    """Add the `frameworks` command to ``app``."""

    @app.command("frameworks")
    def frameworks_cmd(
        framework_id: Annotated[
            str | None,
            typer.Argument(
                metavar="[ID]", help="Show one framework's controls and what they map to."
            ),
        ] = None,
        fmt: Annotated[
            FrameworksFormat, typer.Option("--format", "-f", help="Output format.")
        ] = FrameworksFormat.table,
    ) -> None:
        """List the compliance frameworks with their coverage (automated / manual / not covered)."""
        from rich.console import Console

        from demarcate.compliance.frameworks import FrameworkError, list_frameworks

        console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
        try:
            data: Any = _controls(framework_id) if framework_id else list_frameworks()
        except FrameworkError as exc:
            Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        if fmt is FrameworksFormat.json:
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
        elif framework_id:
            _controls_table(console, data)
        else:
            _list_table(console, data)
