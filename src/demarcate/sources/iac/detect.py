"""Tell which IaC format a path holds: a Terraform directory or file, a Terraform plan JSON
(``terraform show -json``), or a CloudFormation template (YAML or JSON)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from demarcate.sources.iac.limits import MAX_FILE_BYTES

Kind = Literal["terraform", "terraform-plan", "cloudformation"]

TERRAFORM_SUFFIXES = (".tf", ".tf.json")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn")
SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", "__pycache__"})
_CFN_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?(AWS|Alexa)::""")
_HEAD = 64 * 1024  # bytes of a file read to decide


def is_terraform_file(path: Path) -> bool:
    return path.name.endswith(TERRAFORM_SUFFIXES)


def _head(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return fh.read(_HEAD).decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _json_kind(path: Path) -> Kind | None:
    if path.stat().st_size > MAX_FILE_BYTES:
        head = _head(path)
        if '"planned_values"' in head or '"resource_changes"' in head:
            return "terraform-plan"
        if '"AWSTemplateFormatVersion"' in head or '"Resources"' in head:
            return "cloudformation"
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, OSError, RecursionError):
        head = _head(path)  # unparseable: decide by content so the parser reports the error
        if '"planned_values"' in head or '"resource_changes"' in head:
            return "terraform-plan"
        if '"AWSTemplateFormatVersion"' in head or _CFN_TYPE.search(head):
            return "cloudformation"
        return None
    if not isinstance(doc, dict):
        return None
    if "planned_values" in doc or "resource_changes" in doc:
        return "terraform-plan"
    if _looks_like_template(doc):
        return "cloudformation"
    return None


def _looks_like_template(doc: dict) -> bool:
    resources = doc.get("Resources")
    if not isinstance(resources, dict):
        return False
    if "AWSTemplateFormatVersion" in doc:
        return True
    return any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith(("AWS::", "Alexa::"))
        for r in resources.values()
    )


def detect_kind(path: Path | str) -> Kind | None:
    """``"terraform"`` for a directory with *.tf / *.tf.json files (or such a file),
    ``"terraform-plan"`` for plan JSON, ``"cloudformation"`` for a template, else None."""
    path = Path(path)
    if path.is_dir():
        try:
            return "terraform" if any(is_terraform_file(p) for p in path.iterdir()) else None
        except OSError:
            return None
    if not path.is_file():
        return None
    if is_terraform_file(path):
        return "terraform"
    if path.suffix.lower() == ".tfvars":
        return None
    if path.suffix.lower() == ".json":
        return _json_kind(path)
    if path.suffix.lower() in TEMPLATE_SUFFIXES:
        head = _head(path)
        if "AWSTemplateFormatVersion" in head or (
            re.search(r"^Resources\s*:", head, re.MULTILINE) and _CFN_TYPE.search(head)
        ):
            return "cloudformation"
    return None
