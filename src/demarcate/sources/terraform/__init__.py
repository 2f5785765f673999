"""Terraform as a scan source: HCL directories (with local modules, variables, locals,
references and simple functions) and plan JSON (``terraform show -json``), both mapped to the
normalized resource model by one mapping (:mod:`.mapping`)."""

from __future__ import annotations

from pathlib import Path

from demarcate.resources.base import Inventory
from demarcate.sources.iac.errors import IacParseError
from demarcate.sources.iac.limits import Deadline
from demarcate.sources.terraform.raw import RawResource


def load_terraform(
    path: Path,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    deadline: Deadline | None = None,
    scan_root: Path | None = None,
) -> tuple[list[RawResource], str | None, list[IacParseError], list[str]]:
    """(resource instances, account, parse errors, warnings) of a directory or one .tf file."""
    from demarcate.sources.terraform.project import load_project

    if path.is_file():
        raws, project = load_project(path.parent, variables, var_files, deadline, [path], scan_root)
    else:
        raws, project = load_project(path, variables, var_files, deadline, None, scan_root)
    return raws, project.account, project.errors, project.warnings


def terraform_inventory(
    path: Path,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
) -> tuple[Inventory, list[IacParseError]]:
    """Convenience for tests and tools: one directory to an Inventory."""
    from demarcate.sources.terraform.mapping import build_inventory

    raws, account, errors, _ = load_terraform(path, variables, var_files)
    return build_inventory(raws, "terraform", account), errors
