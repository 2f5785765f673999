"""Scan Infrastructure-as-Code paths: detect each path's kind, parse it, map it to the
normalized model and run the same checks as the live scan.

``scan_paths`` walks directories (skipping ``.terraform``, ``.git`` …): every directory
holding ``*.tf`` / ``*.tf.json`` is a Terraform root unless an earlier root already loaded it
as a local module; plan JSON and CloudFormation templates are recognised by content. A file
that does not parse is reported (path, line, parser message) and the rest goes on. Limits:
5 MB per file, 64 levels of nesting, 300 s per scan (:mod:`.limits`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from demarcate.resources.base import Inventory, Resource
from demarcate.sources.iac.detect import SKIP_DIRS, detect_kind, is_terraform_file
from demarcate.sources.iac.errors import IacParseError
from demarcate.sources.iac.limits import Deadline

if TYPE_CHECKING:
    from demarcate.assess import Assessment
    from demarcate.engine import Finding

ACCOUNT_SINGLETONS = ("cloudtrail.account", "cloudwatch.monitoring", "iam.account")


@dataclass
class IacScanOutcome:
    """What :class:`demarcate.scan_runner.ScanOutcome` holds (inventory, findings, assessment,
    report), plus what could not be read (``parse_errors``) and notes (``warnings``, e.g. a
    remote module that is not installed locally). Not a subclass, so an IaC scan does not
    import boto3."""

    inventory: Inventory
    findings: list[Finding]
    assessment: Assessment
    report: dict[str, Any]
    parse_errors: list[IacParseError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def scan_root(paths: list[Path]) -> Path:
    """The directory findings' file paths are relative to."""
    dirs = [str((p if p.is_dir() else p.parent).resolve()) for p in paths] or [os.getcwd()]
    try:
        return Path(os.path.commonpath(dirs))
    except ValueError:  # different drives
        return Path(dirs[0])


def _walk(path: Path) -> tuple[list[Path], list[Path]]:
    """(Terraform directories, other candidate files) under ``path``, sorted."""
    tf_dirs: list[Path] = []
    files: list[Path] = []
    for current, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        here = Path(current)
        names = sorted(filenames)
        if any(is_terraform_file(here / n) for n in names):
            tf_dirs.append(here)
        for name in names:
            if name.endswith((".json", ".yaml", ".yml", ".template")) and not name.endswith(
                (".tf.json", ".tfvars.json")
            ):
                files.append(here / name)
    return tf_dirs, files


class _Collector:
    def __init__(self, root: Path, variables: dict[str, str], var_files: list[Path]) -> None:
        self.root = root
        self.variables = variables
        self.var_files = var_files
        self.deadline = Deadline()
        self.errors: list[IacParseError] = []
        self.warnings: list[str] = []
        self.kinds: list[str] = []
        self.accounts: set[str] = set()
        self.resources: list[Resource] = []
        self.regions: set[str] = set()
        self.loaded_dirs: set[Path] = set()

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def add_inventory(self, inv: Inventory, kind: str) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
        if inv.account:
            self.accounts.add(inv.account)
        self.regions.update(inv.regions)
        self.resources.extend(inv)

    def terraform(self, directory: Path) -> None:
        key = directory.resolve()
        if key in self.loaded_dirs:
            return
        from demarcate.sources.terraform.mapping import build_inventory
        from demarcate.sources.terraform.project import load_project

        raws, project = load_project(
            directory, self.variables, self.var_files, self.deadline, None, self.root
        )
        self.loaded_dirs.update(project.loader._cache)
        self.loaded_dirs.add(key)
        self.errors.extend(project.errors)
        self.warnings.extend(project.warnings)
        self.add_inventory(
            build_inventory(raws, "terraform", project.account, self.warnings), "terraform"
        )

    def plan(self, path: Path) -> None:
        from demarcate.sources.terraform.mapping import build_inventory
        from demarcate.sources.terraform.plan import load_plan

        raws, account, errors = load_plan(path, self.root)
        self.errors.extend(errors)
        if not errors:
            self.add_inventory(
                build_inventory(raws, "terraform-plan", account, self.warnings), "terraform-plan"
            )

    def cloudformation(self, path: Path) -> None:
        try:
            from demarcate.sources.cloudformation import load_template
        except ImportError:
            self.errors.append(
                IacParseError(
                    self.rel(path), None, "CloudFormation templates are not supported by this build"
                )
            )
            return
        try:
            resources, errors = load_template(path, dict(self.variables))
        except Exception as exc:  # the other parser must not take the whole scan down
            self.errors.append(IacParseError(self.rel(path), None, f"{type(exc).__name__}: {exc}"))
            return
        self.errors.extend(IacParseError(self.rel(Path(e.path)), e.line, e.message) for e in errors)
        if "cloudformation" not in self.kinds:
            self.kinds.append("cloudformation")
        for res in resources:
            if res.provenance.file:
                res.provenance.file = self.rel(Path(res.provenance.file))
            if res.region != "global":
                self.regions.add(res.region)
            self.resources.append(res)

    def path(self, path: Path, explicit: bool) -> None:
        if self.deadline.expired:
            self.errors.append(
                IacParseError(self.rel(path), None, "skipped: scan time budget exceeded")
            )
            return
        if not path.exists():
            self.errors.append(IacParseError(self.rel(path), None, "no such file or directory"))
            return
        if path.is_dir():
            tf_dirs, files = _walk(path)
            for directory in tf_dirs:
                self.terraform(directory)
            for file in files:
                self.path(file, explicit=False)
            return
        if is_terraform_file(path):
            self.terraform(path.parent)
            return
        kind = detect_kind(path)
        if kind == "terraform-plan":
            self.plan(path)
        elif kind == "cloudformation":
            self.cloudformation(path)
        elif explicit:
            self.errors.append(
                IacParseError(
                    self.rel(path),
                    None,
                    "not recognised as Terraform, a Terraform plan (JSON) or a CloudFormation template",
                )
            )

    def inventory(self) -> Inventory:
        kind = self.kinds[0] if self.kinds else "terraform"
        account = self.accounts.pop() if len(self.accounts) == 1 else None
        inv = Inventory(source=kind, account=account)  # type: ignore[arg-type]
        inv.regions = sorted(self.regions)
        seen: set[tuple[str, str]] = set()
        for res in self.resources:
            key = (res.TYPE, res.id)
            if res.TYPE in ACCOUNT_SINGLETONS:
                if key in seen:
                    continue
                seen.add(key)
            inv.add(res)
        return inv


def _collect(
    paths: list[Path], variables: dict[str, str] | None, var_files: list[Path] | None
) -> _Collector:
    paths = [Path(p) for p in paths]
    collector = _Collector(
        scan_root(paths), dict(variables or {}), [Path(f) for f in var_files or []]
    )
    for path in paths:
        collector.path(path, explicit=True)
    return collector


def scan_paths(
    paths: list[Path], variables: dict[str, str] | None = None, var_files: list[Path] | None = None
) -> tuple[Inventory, list[IacParseError]]:
    """One Inventory of every resource the IaC under ``paths`` declares, and parse errors."""
    collector = _collect(paths, variables, var_files)
    return collector.inventory(), collector.errors


def run_iac_scan(
    paths: list[Path],
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    attestations: dict[str, dict[str, str]] | None = None,
) -> IacScanOutcome:
    """Parse, check, assess and report, like :func:`demarcate.scan_runner.run_live_scan`.

    Live-only checks (credential report, detector status …) are skipped: their duties read
    as not applicable to IaC.
    """
    from demarcate.assess import assess
    from demarcate.checks.registry import load_checks
    from demarcate.engine import run_checks
    from demarcate.model.loader import get_model
    from demarcate.outputs.json_report import ScanInfo, build_report

    started = time.time()
    collector = _collect(paths, variables, var_files)
    inv = collector.inventory()
    checks = load_checks()
    findings = run_checks(inv, checks, skip_live_only=True)
    assessment = assess(get_model(), inv, findings, checks, attestations)
    info = ScanInfo(
        source=inv.source,
        account=None,
        regions=inv.regions,
        started=started,
        finished=time.time(),
    )
    report: dict[str, Any] = build_report(info, inv, assessment)
    return IacScanOutcome(
        inventory=inv,
        findings=findings,
        assessment=assessment,
        report=report,
        parse_errors=collector.errors,
        warnings=collector.warnings,
    )


__all__ = ["IacScanOutcome", "run_iac_scan", "scan_paths", "scan_root"]
