"""The `demarcate` command line: parse, call, print. Logic lives in the modules it calls."""

from __future__ import annotations

import gc
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from demarcate import __version__
from demarcate.console import err, escape, note, out
from demarcate.model.loader import ModelError, get_model
from demarcate.model.schema import OWNER_WORDS, Duty, Model, Service
from demarcate.model.search import rank, verdict
from demarcate.model.views import (
    UnknownId,
    find_duty,
    matrix_rows,
    owner_rule_text,
    resolve_service,
)

app = typer.Typer(
    name="demarcate",
    help="Draw the AWS Shared Responsibility Model line through your estate and check your side.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class OwnerOpt(str, Enum):
    aws = "aws"
    customer = "customer"
    shared = "shared"


class MatrixFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def load() -> Model:
    try:
        return get_model()
    except ModelError as exc:
        fail(str(exc), 3)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"demarcate {__version__} (model {get_model().version})")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """demarcate — who secures what, service by service, and whether your side is done."""


OWNER_STYLE = {"aws": "yellow", "customer": "cyan", "shared": "magenta"}


@app.command()
def matrix(
    service: Annotated[
        list[str] | None, typer.Option("--service", "-s", help="Service id or name (repeatable).")
    ] = None,
    owner: Annotated[OwnerOpt | None, typer.Option(help="Only duties of this owner.")] = None,
    domain: Annotated[str | None, typer.Option(help="Only duties of this domain.")] = None,
    supporting: Annotated[
        bool, typer.Option("--supporting", help="Also list supporting services (KMS, WAF …).")
    ] = False,
    fmt: Annotated[MatrixFormat, typer.Option("--format", "-f", help="Output format.")] = (
        MatrixFormat.table
    ),
) -> None:
    """Print the Shared Responsibility Matrix, optionally filtered."""
    model = load()
    try:
        rows = matrix_rows(
            model, service, owner.value if owner else None, domain, include_supporting=supporting
        )
    except UnknownId as exc:
        fail(str(exc))
    records = [r.as_dict() for r in rows]
    if fmt is MatrixFormat.json:
        out.print_json(json.dumps({"model_version": model.version, "duties": records}))
    elif fmt is MatrixFormat.csv:
        buf = io.StringIO()
        fields = list(records[0]) if records else list(MATRIX_FIELDS)
        import csv

        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        sys.stdout.write(buf.getvalue())
    elif fmt is MatrixFormat.markdown:
        sys.stdout.write(_matrix_markdown(rows))
    else:
        _matrix_table(rows, model)


MATRIX_FIELDS = ("service", "duty_id", "title", "owner", "domain", "api_verifiable")


def _matrix_markdown(rows: list) -> str:
    lines = ["| Service | AWS | Customer | Shared |", "|---|---|---|---|"]
    by_service: dict[str, list] = {}
    for row in rows:
        by_service.setdefault(row.service.name, []).append(row)
    for name, svc_rows in by_service.items():
        cells = []
        for owner in ("aws", "customer", "shared"):
            items = [
                f"{r.duty.title} (`{r.duty.id}`)" + (" ⚙" if r.duty.owner_depends_on else "")
                for r in svc_rows
                if r.duty.owner == owner
            ]
            cells.append("<br>".join(i.replace("|", "\\|") for i in items) or "—")
        lines.append(f"| **{name}** | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("⚙ = the owner depends on configuration (see `demarcate explain DUTY`).")
    return "\n".join(lines) + "\n"


def _matrix_table(rows: list, model: Model) -> None:
    from rich.table import Table

    table = Table(title=f"Shared Responsibility Matrix (model {model.version})", show_lines=False)
    table.add_column("Service", style="bold")
    table.add_column("Owner")
    table.add_column("Duty")
    table.add_column("Domain", style="dim")
    table.add_column("Check", justify="center")
    last = None
    for row in rows:
        svc_cell = row.service.name if row.service.id != last else ""
        if last is not None and row.service.id != last:
            table.add_section()
        last = row.service.id
        owner = row.duty.owner
        owner_cell = f"[{OWNER_STYLE[owner]}]{owner}[/]" + (
            " ⚙" if row.duty.owner_depends_on else ""
        )
        table.add_row(
            escape(svc_cell),
            owner_cell,
            f"{escape(row.duty.title)}\n[dim]{row.duty.id}[/]",
            row.duty.domain,
            "api" if row.duty.api_verifiable else "manual" if owner != "aws" else "",
        )
    out.print(table)
    out.print(
        f"{len(rows)} duties. api = checked automatically by `demarcate scan`; manual = you "
        "attest it; ⚙ = owner depends on configuration."
    )


@app.command()
def explain(
    target: Annotated[
        str, typer.Argument(help="A service (ec2, s3 …) or a duty id (s3.tls-in-transit).")
    ],
) -> None:
    """Show one service or one duty in full: both sides, best practices, incidents, monitoring."""
    model = load()
    if "." in target:
        try:
            svc, duty = find_duty(model, target)
        except UnknownId as exc:
            fail(str(exc))
        _explain_duty(model, svc, duty)
        return
    try:
        svc = resolve_service(model, target)
    except UnknownId as exc:
        fail(str(exc))
    _explain_service(model, svc)


def _source_titles(model: Model, ids: list[str]) -> str:
    titles = {s.id: s.title for s in model.sources}
    return "; ".join(titles.get(i, i) for i in ids)


def _explain_duty(model: Model, svc: Service, duty: Duty) -> None:
    out.print(f"[bold]{escape(duty.title)}[/]  [dim]{duty.id}[/]")
    out.print(f"Service: {svc.full_name} ({svc.id})")
    out.print(f"Owner: [{OWNER_STYLE[duty.owner]}]{escape(owner_rule_text(duty))}[/]")
    if duty.owner_depends_on:
        for rule in duty.owner_depends_on.rules:
            out.print(
                f"  • {OWNER_WORDS[rule.owner]} when {escape(rule.when.describe())}: "
                f"{escape(rule.because)}"
            )
    domain = next(d for d in model.domains if d.id == duty.domain)
    out.print(f"Domain: {domain.name}")
    out.print(
        "Verified by: "
        + ("automatic checks (demarcate scan)" if duty.api_verifiable else "attestation (manual)")
        if duty.owner != "aws"
        else "Evidence: AWS compliance programs ("
        + ", ".join(p.name for p in model.compliance_programs)
        + ")"
    )
    if duty.description:
        out.print(escape(duty.description.strip()))
    _related(model, svc, duty.id)
    out.print(f"[dim]Sources: {escape(_source_titles(model, duty.sources))}[/]")


def _explain_service(model: Model, svc: Service) -> None:
    out.print(f"[bold]{svc.full_name}[/] ({svc.id})")
    out.print(
        f"Service model: {svc.service_model} ({svc.service_model_basis}); kind: {svc.kind} "
        f"({svc.kind_basis}); family: {svc.family}; {svc.category} service"
    )
    out.print(escape(svc.summary.strip()))
    for owner, label in (("aws", "AWS covers"), ("customer", "You cover"), ("shared", "Shared")):
        duties = svc.duties_of(owner)  # type: ignore[arg-type]
        if not duties:
            continue
        out.print(f"\n[bold {OWNER_STYLE[owner]}]{label}[/]")
        for duty in duties:
            mark = ""
            if owner != "aws":
                mark = " [green](checked)[/]" if duty.api_verifiable else " [dim](attest)[/]"
            out.print(f"  • {escape(duty.title)} [dim]{duty.id}[/]{mark}")
            if duty.owner_depends_on:
                out.print(f"      ⚙ {escape(owner_rule_text(duty))}")
    _related(model, svc, None)
    out.print(f"\n[dim]Sources: {escape(_source_titles(model, svc.sources))}[/]")


def _related(model: Model, svc: Service, duty_id: str | None) -> None:
    """Best practices, monitoring, incidents and families that touch this service/duty."""
    for bp in model.best_practices:
        if bp.service == svc.id and (
            duty_id is None or not bp.related_duties or duty_id in bp.related_duties
        ):
            out.print("\n[bold]Best practices (yours)[/]")
            for p in bp.practices:
                out.print(f"  • {escape(p)}")
    for mon in model.monitoring:
        if svc.id in mon.services:
            out.print(f"\n[bold]Monitoring — {escape(mon.name)}[/]")
            out.print("  AWS: " + escape("; ".join(mon.aws)))
            out.print("  You: " + escape("; ".join(mon.customer)))
    for fam in model.families:
        if svc.id in fam.services:
            out.print(f"\n[bold]Security considerations — {escape(fam.name)}[/]")
            out.print("  AWS: " + escape("; ".join(fam.aws)))
            out.print("  You: " + escape("; ".join(fam.customer)))
    shared = [
        c
        for c in model.shared_controls
        if svc.id in c.services or (duty_id and duty_id in c.related_duties)
    ]
    for ctl in shared:
        out.print(f"\n[bold]Shared control — {escape(ctl.name)}[/]")
        out.print("  AWS: " + escape("; ".join(ctl.aws)))
        out.print("  You: " + escape("; ".join(ctl.customer)))
    if model.incident_types:
        out.print("\n[bold]Incident response[/]")
        for inc in model.incident_types:
            out.print(
                f"  {escape(inc.name)} — AWS: {escape('; '.join(inc.aws))} | "
                f"You: {escape('; '.join(inc.customer))}"
            )


@app.command()
def who(
    question: Annotated[str, typer.Argument(help='e.g. "patch the operating system"')],
    service: Annotated[
        list[str] | None, typer.Option("--service", "-s", help="Limit to a service (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many matching duties to show.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable answer.")] = False,
) -> None:
    """Answer "who is responsible for X?" from the model, with the duties that say so."""
    model = load()
    try:
        ids = [resolve_service(model, s).id for s in service] if service else None
    except UnknownId as exc:
        fail(str(exc))
    ranked = rank(model, question, ids)
    if not ranked:
        fail(f"no duty in the model matches {question!r}; try other words or `demarcate matrix`", 1)
    answer = verdict(ranked[: max(limit, 8)])
    matches = ranked[:limit]
    best = answer.best
    if answer.owner == "depends":
        sides = "; ".join(
            f"{OWNER_WORDS[o]} for {', '.join(names)}" for o, names in answer.by_owner.items()
        )
        headline = f"It depends on the service — {sides}"
    else:
        rule = owner_rule_text(best.duty)
        headline = f"{rule[0].upper()}{rule[1:]} — {best.service.name}: {best.duty.title}"
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "question": question,
                    "answer": answer.owner,
                    "answer_text": headline,
                    "by_owner": answer.by_owner,
                    "matches": [
                        {
                            "service": m.service.id,
                            "duty_id": m.duty.id,
                            "title": m.duty.title,
                            "owner": m.duty.owner,
                            "owner_rule": owner_rule_text(m.duty),
                            "score": m.score,
                        }
                        for m in matches
                    ],
                }
            )
        )
        return
    out.print(f"[bold]{escape(headline)}[/]")
    out.print("\nMatching duties:")
    for m in matches:
        out.print(
            f"  [{OWNER_STYLE[m.duty.owner]}]{m.duty.owner:<8}[/] {escape(m.service.name)}: "
            f"{escape(m.duty.title)} [dim]({m.duty.id})[/]"
        )
        if m.duty.owner_depends_on:
            out.print(f"           ⚙ {escape(owner_rule_text(m.duty))}")


# ---------------------------------------------------------------------------- scanning

scan_app = typer.Typer(
    help="Scan an estate and assess your side of the line.", no_args_is_help=True
)
app.add_typer(scan_app, name="scan")


class SeverityOpt(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    informational = "informational"


def _progress() -> tuple[Any, Any]:
    """A progress bar on stderr (quiet when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]scanning[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err.get(),
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task("", total=None)

    def update(label: str, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, description=label)

    return bar, update


def _framework_ids(spec: str | None) -> list[str] | None:
    if not spec:
        return None
    from demarcate.compliance.frameworks import FrameworkError, get_framework

    ids = [f.strip() for f in spec.split(",") if f.strip()]
    for fid in ids:
        try:
            get_framework(fid)
        except FrameworkError as exc:
            fail(str(exc))
    return ids


def _print_framework_score(fw: dict[str, Any]) -> None:
    meta, overall = fw["framework"], fw["overall"]
    pct = overall.get("score_percent")
    by = overall["by_status"]
    judged = "nothing judged" if pct is None else f"{pct:.0f}% of judged automated controls pass"
    out.print(
        f"[bold]{escape(meta['name'])}[/]: {judged} ({by.get('PASS', 0)} pass, "
        f"{by.get('FAIL', 0)} fail, {by.get('UNKNOWN', 0)} unknown; {overall['manual']} manual, "
        f"{overall['not_covered']} not covered)"
    )
    from rich.table import Table

    table = Table(show_header=True)
    table.add_column("Section")
    table.add_column("Score", justify="right")
    for sec in fw["sections"]:
        sp = sec.get("score_percent")
        table.add_row(escape(str(sec["section"])), "—" if sp is None else f"{sp:.0f}%")
    out.print(table)


def _attestations(path: Path | None) -> dict[str, dict[str, str]] | None:
    if path is None:
        return None
    from demarcate.attestations import AttestationError, load_attestations

    try:
        return load_attestations(path, load())
    except AttestationError as exc:
        fail(str(exc))


def _formats(spec: str | None) -> list[str]:
    from demarcate.outputs.formats import load_formats

    if not spec:
        return []
    known = load_formats()
    names = [n.strip() for n in spec.split(",") if n.strip()]
    bad = [n for n in names if n not in known]
    if bad:
        fail(f"unknown format(s) {', '.join(bad)}; valid formats: {', '.join(sorted(known))}")
    return names


def write_reports(report: dict[str, Any], names: list[str], output_dir: Path, stem: str) -> None:
    from demarcate.outputs.atomic import write_atomic
    from demarcate.outputs.formats import load_formats

    formats = load_formats()
    for name in names:
        fmt = formats[name]
        path = output_dir / f"{stem}.{fmt.extension}"
        write_atomic(path, fmt.render(report))
        note(f"wrote {path}")


def _finish(
    outcome: Any,
    output: Path | None,
    fail_on: SeverityOpt | None,
    quiet: bool,
    formats: str | None = None,
    output_dir: Path | None = None,
    frameworks: list[str] | None = None,
) -> None:
    from demarcate.checks.registry import SEVERITY_ORDER
    from demarcate.outputs.atomic import write_atomic
    from demarcate.outputs.json_report import dumps

    report = outcome.report
    if frameworks:
        from demarcate.compliance.frameworks import score

        report["frameworks"] = [score(report, fid) for fid in frameworks]
    if output:
        write_atomic(output, dumps(report))
        note(f"wrote {output}")
    names = _formats(formats)
    if names:
        write_reports(report, names, output_dir or Path("."), "demarcate-report")
    if not quiet:
        from demarcate.outputs import terminal

        terminal.render(report, out.get())
        for fw in report.get("frameworks", []):
            _print_framework_score(fw)
    if fail_on:
        threshold = SEVERITY_ORDER[fail_on.value]
        worst = [
            f
            for f in report["findings"]
            if f["status"] == "FAIL" and SEVERITY_ORDER.get(f["severity"], 0) >= threshold
        ]
        if worst:
            err.print(f"{len(worst)} failed finding(s) at or above {fail_on.value}")
            raise typer.Exit(1)


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the JSON result to this file.")
]
FailOnOpt = Annotated[
    SeverityOpt | None,
    typer.Option("--fail-on", help="Exit 1 if any check fails at this severity or above."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")]
FormatsOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Also write these formats, comma-separated (see `demarcate report --help`).",
    ),
]
AttestOpt = Annotated[
    Path | None,
    typer.Option("--attestations", help="YAML file of attested MANUAL duties (who, when, note)."),
]
FrameworkOpt = Annotated[
    str | None,
    typer.Option(
        "--framework",
        help="Score the scan against frameworks, comma-separated (see `demarcate frameworks`).",
    ),
]
OutputDirOpt = Annotated[
    Path | None, typer.Option("--output-dir", help="Directory for --format files (default: .).")
]


@scan_app.command("aws")
def scan_aws(
    profile: Annotated[
        str | None, typer.Option(help="AWS profile (default credential chain).")
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", "-r", help="Limit to these regions (repeatable)."),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option("--service", "-s", help="Limit to these services (repeatable)."),
    ] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option(
            help="Custom endpoint (moto, private endpoints); AWS_ENDPOINT_URL also works."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=128, help="Concurrent API workers.")] = 16,
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    quiet: QuietOpt = False,
    formats: FormatsOpt = None,
    output_dir: OutputDirOpt = None,
    attestations: AttestOpt = None,
    framework: FrameworkOpt = None,
) -> None:
    """Scan a live AWS account (read-only) across every enabled region."""
    _formats(formats)
    framework_ids = _framework_ids(framework)
    attested = _attestations(attestations)
    from demarcate.scan_runner import run_live_scan
    from demarcate.sources.aws.scanner import ScanError

    model = load()
    services = None
    if service:
        try:
            services = [resolve_service(model, s).id for s in service]
        except UnknownId as exc:
            fail(str(exc))
    bar, update = _progress()
    try:
        with bar:
            outcome = run_live_scan(
                profile=profile,
                endpoint_url=endpoint_url,
                regions=region,
                services=services,
                workers=workers,
                progress=update,
                attestations=attested,
            )
    except ScanError as exc:
        fail(str(exc), 3)
    except Exception as exc:  # botocore profile/credential errors before any call
        if type(exc).__name__ in ("ProfileNotFound", "NoCredentialsError", "NoRegionError"):
            fail(str(exc), 3)
        raise
    _finish(outcome, output, fail_on, quiet, formats, output_dir, framework_ids)


@scan_app.command("demo")
def scan_demo(
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    quiet: QuietOpt = False,
    formats: FormatsOpt = None,
    output_dir: OutputDirOpt = None,
    attestations: AttestOpt = None,
    framework: FrameworkOpt = None,
) -> None:
    """Scan the embedded demo account (moto, in-process; no credentials, no network)."""
    from demarcate.scan_runner import run_demo_scan

    _formats(formats)
    framework_ids = _framework_ids(framework)
    attested = _attestations(attestations)
    bar, update = _progress()
    err.print("seeding the demo account (in-process emulator) …")
    with bar:
        outcome = run_demo_scan(progress=update, attestations=attested)
    _finish(outcome, output, fail_on, quiet, formats, output_dir, framework_ids)


@app.command()
def report(
    result: Annotated[Path, typer.Argument(help="A JSON result written by `scan … --output`.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Formats, comma-separated.")] = "json",
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help="Write files here instead of stdout.")
    ] = None,
) -> None:
    """Render a saved scan result to other formats, without rescanning."""
    from demarcate.outputs.formats import load_formats

    names = _formats(fmt)
    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read {result}: {exc}")
    if not isinstance(data, dict) or "schema_version" not in data or "findings" not in data:
        fail(f"{result} is not a demarcate scan result (no schema_version/findings)")
    if output_dir is None:
        if len(names) != 1:
            fail("several formats need --output-dir")
        sys.stdout.write(load_formats()[names[0]].render(data))
        return
    write_reports(data, names, output_dir, result.stem)


@scan_app.command("iac")
def scan_iac(
    paths: Annotated[
        list[Path], typer.Argument(help="Terraform dirs, plan JSON, CloudFormation templates.")
    ],
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="Terraform variable override k=v (repeatable)."),
    ] = None,
    var_file: Annotated[
        list[Path] | None, typer.Option("--var-file", help="A .tfvars file (repeatable).")
    ] = None,
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    quiet: QuietOpt = False,
    formats: FormatsOpt = None,
    output_dir: OutputDirOpt = None,
    attestations: AttestOpt = None,
    framework: FrameworkOpt = None,
) -> None:
    """Scan Infrastructure-as-Code with the same checks as the live scan.

    Exit codes: 0 done, 1 a check failed at --fail-on severity, 4 a file could not be parsed
    (reported with path and line; everything else was still scanned).
    """
    from demarcate.checks.registry import load_checks
    from demarcate.sources.iac.scan import run_iac_scan

    _formats(formats)
    framework_ids = _framework_ids(framework)
    attested = _attestations(attestations)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or directory: {', '.join(missing)}")
    variables: dict[str, str] = {}
    for item in var or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--var needs key=value, got {item!r}")
        variables[key] = value
    outcome = run_iac_scan(list(paths), variables, list(var_file or []), attested)
    outcome.report["scan"]["parse_errors"] = [
        {"path": e.path, "line": e.line, "message": e.message} for e in outcome.parse_errors
    ]
    outcome.report["scan"]["not_applicable_checks"] = sorted(
        c.id for c in load_checks().values() if c.live_only
    )
    for e in outcome.parse_errors:
        err.print(f"[red]parse error[/] {escape(e.path)}:{e.line or '?'}: {escape(e.message)}")
    for warning in getattr(outcome, "warnings", []):
        err.print(f"[yellow]warning[/] {escape(warning)}")
    try:
        _finish(outcome, output, fail_on, quiet, formats, output_dir, framework_ids)
    except typer.Exit as exc:
        if outcome.parse_errors:
            raise typer.Exit(4) from exc
        raise
    if outcome.parse_errors:
        raise typer.Exit(4)


# ------------------------------------------------------------------------ checks, policy


class ListFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("checks")
def list_checks(
    service: Annotated[
        list[str] | None, typer.Option("--service", "-s", help="Filter by service.")
    ] = None,
    duty: Annotated[str | None, typer.Option(help="Filter by duty id.")] = None,
    severity: Annotated[SeverityOpt | None, typer.Option(help="Filter by severity.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List the checks, with the duty each one verifies."""
    from demarcate.checks.registry import load_checks

    model = load()
    try:
        services = {resolve_service(model, s).id for s in service} if service else None
        if duty:
            find_duty(model, duty)
    except UnknownId as exc:
        fail(str(exc))
    specs = [
        c
        for c in load_checks().values()
        if (not services or c.service in services)
        and (not duty or c.duty == duty)
        and (not severity or c.severity == severity.value)
    ]
    specs.sort(key=lambda c: (c.service, c.id))
    if fmt is ListFormat.json:
        out.print_json(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "title": c.title,
                        "service": c.service,
                        "duty_id": c.duty,
                        "severity": c.severity,
                        "resource_type": c.resource_type,
                        "cis": list(c.cis),
                        "aws_fsbp": list(c.fsbp),
                        "securityhub": list(c.securityhub),
                        "live_only": c.live_only,
                        "remediation": {
                            "console": c.remediation.console,
                            "cli": c.remediation.cli,
                            "terraform": c.remediation.terraform,
                        },
                    }
                    for c in specs
                ]
            )
        )
        return
    from rich.table import Table

    table = Table(title=f"{len(specs)} checks")
    for col in ("Check", "Severity", "Duty", "Resource", "CIS / FSBP"):
        table.add_column(col)
    for c in specs:
        table.add_row(
            f"{escape(c.id)}\n[dim]{escape(c.title)}[/]",
            c.severity,
            c.duty,
            c.resource_type,
            ", ".join([*(f"CIS {i}" for i in c.cis), *c.fsbp, *c.securityhub]),
        )
    out.print(table)


@app.command()
def policy() -> None:
    """Print the scanner's least-privilege, read-only IAM policy (JSON)."""
    from demarcate.policy import policy_json

    sys.stdout.write(policy_json())


def _register_extensions() -> None:
    from demarcate.cli_frameworks import register

    register(app)


_register_extensions()


def main() -> None:
    # A scan allocates many small objects that live until the report is written; with the
    # default thresholds the cyclic collector re-walks them over and over (measured: 15-20% of
    # an IaC scan). Freeze what the imports created and collect young objects less often.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    app()
